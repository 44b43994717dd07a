import { runCommand } from '@vaultover/foundation';
import { isStaleNamespace, runPrefix } from './namespace-names.ts';

/** The subnet of every test network: inside its own namespaces, so runs never see each other's. */
const SUBNET = '198.18.0';
const PREFIX_LENGTH = 24;
/** The namespace-side end of every place's veth pair. */
const DEVICE = 'eth0';
const BRIDGE = 'br0';
/** Linux's limit on interface names (IFNAMSIZ - 1). */
const MAX_DEVICE_NAME = 15;

/** One place of a test network: a namespace of its own, with one address on the bridge. */
export interface NetworkPlace {
  readonly netns: string;
  readonly address: string;
  /** Its end of the veth pair, inside `netns`. */
  readonly device: string;
  /** The other end, on the bridge in the hub. */
  readonly peer: string;
}

/**
 * Network namespaces for a test, wired like hosts on one switch: a hub namespace holds a bridge (and an
 * address on it, for what runs there: the supervisor, the clients), and each place a namespace of its own
 * joined to the bridge by a veth pair. Traffic between them never leaves these namespaces.
 */
export interface TestNetwork {
  readonly hub: { readonly netns: string; readonly address: string };
  readonly places: Readonly<Record<string, NetworkPlace>>;
  /** Deletes every namespace of the network (and so its interfaces). Idempotent. */
  remove(): Promise<void>;
}

const ip = (...args: string[]) => runCommand('ip', args);

/**
 * Makes a test network with one place per name (up to 200), after removing what crashed runs left (see
 * removeStaleNamespaces). Needs root; on failure, removes what it made and rethrows.
 */
export async function createTestNetwork(placeNames: readonly string[]): Promise<TestNetwork> {
  checkPlaceNames(placeNames);
  await removeStaleNamespaces();
  const prefix = runPrefix();
  const made: string[] = [];
  const remove = async () => {
    for (const netns of made.splice(0).reverse()) await ip('netns', 'del', netns).catch(() => {});
  };
  const namespace = async (name: string) => {
    const netns = `${prefix}-${name}`;
    await ip('netns', 'add', netns);
    made.push(netns);
    await ip('-n', netns, 'link', 'set', 'lo', 'up');
    return netns;
  };
  try {
    const hub = { netns: await namespace('hub'), address: `${SUBNET}.1` };
    const inHub = (...args: string[]) => ip('-n', hub.netns, ...args);
    await inHub('link', 'add', BRIDGE, 'type', 'bridge');
    await inHub('addr', 'add', `${hub.address}/${PREFIX_LENGTH}`, 'dev', BRIDGE);
    await inHub('link', 'set', BRIDGE, 'up');
    const places: Record<string, NetworkPlace> = {};
    for (const [index, name] of placeNames.entries()) {
      const netns = await namespace(name);
      const place = { netns, address: `${SUBNET}.${index + 2}`, device: DEVICE, peer: name };
      const inPlace = (...args: string[]) => ip('-n', netns, ...args);
      // Made in the hub, its other end created straight in the place's namespace.
      await inHub('link', 'add', place.peer, 'type', 'veth', 'peer', 'name', DEVICE, 'netns', netns);
      await inHub('link', 'set', place.peer, 'master', BRIDGE, 'up');
      await inPlace('addr', 'add', `${place.address}/${PREFIX_LENGTH}`, 'dev', DEVICE);
      await inPlace('link', 'set', DEVICE, 'up');
      places[name] = place;
    }
    return { hub, places, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** A place's name is its namespace's suffix and its peer's interface name: short, and not the hub's. */
function checkPlaceNames(names: readonly string[]): void {
  for (const name of names) {
    if (!/^[a-z][a-z0-9-]*$/.test(name) || name.length > MAX_DEVICE_NAME || name === 'hub') {
      throw new Error(
        `a place of a test network is named a-z, digits and hyphens, up to 15, not "hub": ${name}`,
      );
    }
  }
  if (new Set(names).size !== names.length || names.length > 200) {
    throw new Error(`a test network takes up to 200 places, each once: ${names.join(', ')}`);
  }
}

/**
 * Removes the namespaces of test networks whose owning process is gone (a run killed before its cleanup),
 * first killing what still runs in them (its servers, which nothing else would stop). A live run's are
 * never touched: its owner is alive.
 */
export async function removeStaleNamespaces(): Promise<void> {
  const listed = await ip('netns', 'list');
  // `ip netns list` prints "<name>" or "<name> (id: N)" per line.
  const stale = listed
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter(isStaleNamespace);
  for (const netns of stale) {
    const pids = (await ip('netns', 'pids', netns).catch(() => '')).split('\n').filter(Boolean);
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
    await ip('netns', 'del', netns).catch(() => {});
  }
}
