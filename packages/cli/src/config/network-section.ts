import { isIP } from 'node:net';
import { z } from 'zod';

// Where the deployment's processes sit on the network: the address each listens on and is reached at,
// the Linux network namespace each runs in, and the links the kernel carries
// (docs/network-namespaces.md).

const UNSPECIFIED = new Set(['0.0.0.0', '::']);

/**
 * An address to listen on and to be reached at: one IP address, never the unspecified one (a URL cannot
 * name "every address").
 */
export const hostSchema = z.string().refine((host) => isIP(host) !== 0 && !UNSPECIFIED.has(host), {
  message: 'expected one IP address to listen on and be reached at, such as 198.18.0.2 (not 0.0.0.0 or ::)',
});

// `ip netns add` keeps a namespace as a file in /run/netns: a plain file name.
const NETNS_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

/** The name of a Linux network namespace (`ip netns list`). */
export const netnsSchema = z.string().regex(NETNS_NAME, {
  message: 'expected a network namespace name (letters, digits, "_", "-", "."; up to 64)',
});

// Linux caps interface names at 15 bytes (IFNAMSIZ - 1); no "/", ":" or white space.
const DEVICE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}$/;
const deviceSchema = z.string().regex(DEVICE_NAME, {
  message: 'expected a network interface name (letters, digits, "_", "-", "."; up to 15)',
});

/**
 * A link the kernel carries: one veth pair, `device` inside the namespace `netns` (the place the link
 * leads to: a region's or the control process's) and `peer` in namespace `peerNetns`, the one
 * `vaultover up` runs in when absent.
 */
export const vethPairSchema = z.strictObject({
  netns: netnsSchema,
  device: deviceSchema,
  peer: deviceSchema,
  peerNetns: netnsSchema.optional(),
});

const LINK_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** `links:` where the replication link proxies listen, and the kernel's links (docs/network-namespaces.md). */
export const linksSchema = z.strictObject({
  /** The link proxies' address, one the secondaries reach; 127.0.0.1 when absent. */
  host: hostSchema.optional(),
  kernel: z
    .record(
      z
        .string()
        .regex(LINK_NAME, { message: 'expected a link name: a-z, digits and hyphens, from a letter' }),
      vethPairSchema,
    )
    .default(() => ({})),
});
