import { runCommand } from '@vaultover/foundation';
import type { Direction } from '../toxic.ts';

/**
 * One veth pair a kernel link is: `device` inside the network namespace `netns` (the place the link leads
 * to, a region's or the control process's), and `peer`, its other end (on the bridge to the other
 * places), in namespace `peerNetns`, this process's own when absent. `upstream` is what enters the place,
 * `downstream` what leaves it.
 */
export interface VethPair {
  readonly netns: string;
  readonly device: string;
  readonly peer: string;
  readonly peerNetns?: string | undefined;
}

/** What a kernel link does to its interfaces: the kernel's side, a fake in unit tests. */
export interface LinkKernel {
  /** Takes the pair up or down: down, nothing passes either way, and connections wait (no reset). */
  setUp(up: boolean): Promise<void>;
  /** Caps one direction at `bytesPerSecond`, or removes the cap (null). */
  setRate(direction: Direction, bytesPerSecond: number | null): Promise<void>;
  /** Bytes that entered the place (`upstream`) and left it (`downstream`), by the kernel's counters. */
  bytes(): Promise<Record<Direction, number>>;
}

/** One interface, and the namespace `ip` and `tc` must enter to reach it (none: this process's own). */
interface Interface {
  readonly netns: string | undefined;
  readonly device: string;
}

/**
 * The real kernel: `ip link set` for up and down, a `tbf` queueing discipline for a rate, each on the end
 * whose outgoing traffic it shapes (tbf acts on what an interface sends): the peer's for what enters the
 * place, the device's for what leaves it. This kernel has no `netem`, so latency is not among them.
 */
export function vethKernel(pair: VethPair): LinkKernel {
  const peer: Interface = { netns: pair.peerNetns, device: pair.peer };
  const sender: Record<Direction, Interface> = {
    upstream: peer,
    downstream: { netns: pair.netns, device: pair.device },
  };
  return {
    async setUp(up) {
      await command('ip', peer, 'link', 'set', 'dev', pair.peer, up ? 'up' : 'down');
    },
    async setRate(direction, bytesPerSecond) {
      const where = sender[direction];
      const { device } = where;
      const tc = (...args: string[]) => command('tc', where, ...args);
      if (bytesPerSecond !== null) {
        await tc('qdisc', 'replace', 'dev', device, 'root', 'tbf', ...tbfArguments(bytesPerSecond));
        return;
      }
      // Deleting the default discipline fails: delete only a tbf of ours.
      const root = JSON.parse(await tc('-j', 'qdisc', 'show', 'dev', device, 'root')) as { kind: string }[];
      if (root.some(({ kind }) => kind === 'tbf')) await tc('qdisc', 'del', 'dev', device, 'root');
    },
    async bytes() {
      const [shown] = JSON.parse(await command('ip', peer, '-s', '-j', 'link', 'show', 'dev', pair.peer)) as {
        stats64: { rx: { bytes: number }; tx: { bytes: number } };
      }[];
      // The peer sends what enters the place and receives what leaves it.
      return { upstream: shown?.stats64.tx.bytes ?? 0, downstream: shown?.stats64.rx.bytes ?? 0 };
    },
  };
}

/** `ip` or `tc` on an interface: `-n <netns>` first when it is in another namespace than this process. */
function command(program: 'ip' | 'tc', where: Interface, ...args: string[]): Promise<string> {
  return runCommand(program, [...(where.netns === undefined ? [] : ['-n', where.netns]), ...args]);
}

/**
 * `rate` in bits (tc reads "bps" as bytes per second: bits leave no doubt); a `burst` of 20 ms of the
 * rate, at least 8 KiB (more than a full-size frame, or tbf drops it); a queue (`limit`) of 2 s of the
 * rate, at least 64 KiB, so that a sender is slowed down rather than dropped, as the proxy's bandwidth
 * toxic slows it.
 */
export function tbfArguments(bytesPerSecond: number): string[] {
  const burst = Math.max(Math.ceil(bytesPerSecond / 50), 8 * 1024);
  const limit = Math.max(bytesPerSecond * 2, 64 * 1024);
  return ['rate', `${bytesPerSecond * 8}bit`, 'burst', String(burst), 'limit', String(limit)];
}
