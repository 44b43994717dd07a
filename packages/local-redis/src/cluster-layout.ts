import { nodeUrl, parseRedisUrl } from '@vaultover/foundation/redis';
import calculateSlot from 'cluster-key-slot';
import { withClusterNode } from './cluster-node.ts';
import { RedisConfigError } from './errors.ts';

/** The cluster slot of `key` (of its hash tag: every key of a vault, `vo:{<vault>}:…`, has the vault's). */
export function slotOf(key: string): number {
  return calculateSlot(key);
}

/** One node of a cluster as the cluster sees it now (`CLUSTER NODES`). */
export interface ClusterNodeState {
  readonly id: string;
  readonly port: number;
  readonly role: 'master' | 'replica';
  /** The others count it failed (`fail`), or this node suspects it (`fail?`). */
  readonly failing: boolean;
  /** A replica's master's id. */
  readonly masterId: string | undefined;
  /** The slot ranges it serves (masters), inclusive. */
  readonly slots: readonly (readonly [number, number])[];
}

/** A cluster's layout, and the slot a key maps to, as one of its nodes answers them. */
export interface ClusterLayout {
  readonly nodes: readonly ClusterNodeState[];
  /** The live master serving `key`'s slot, if one does. */
  masterOf(key: string): ClusterNodeState | undefined;
  /** A live replica of that master, if it has one. */
  replicaOf(key: string): ClusterNodeState | undefined;
}

/** Reads `CLUSTER NODES` lines: `<id> <host:port@bus> <flags> <master> <ping> <pong> <epoch> <link> <slots…>`. */
export function parseClusterNodes(text: string): ClusterNodeState[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [id = '', address = '', flags = '', master = '-', , , , , ...slots] = line.trim().split(' ');
      const flagSet = new Set(flags.split(','));
      return {
        id,
        port: Number(address.split('@')[0]?.split(':').pop()),
        masterId: master === '-' ? undefined : master,
        role: flagSet.has('master') ? ('master' as const) : ('replica' as const),
        failing: flagSet.has('fail') || flagSet.has('fail?'),
        slots: slots
          .filter((range) => !range.startsWith('['))
          .map((range) => {
            const [start = '', end = start] = range.split('-');
            return [Number(start), Number(end)] as const;
          }),
      };
    });
}

/** The layout of the cluster at `url` (credentials allowing `CLUSTER NODES`), asked of its first node that answers. */
export async function readClusterLayout(url: string): Promise<ClusterLayout> {
  const target = parseRedisUrl(url);
  if (target.kind !== 'cluster') throw new RedisConfigError('readClusterLayout needs a redis-cluster:// URL');
  const failures: unknown[] = [];
  for (const seed of target.seeds) {
    try {
      const nodes = await withClusterNode(nodeUrl(seed, target), async (client) =>
        parseClusterNodes(String(await client.call('cluster', 'nodes'))),
      );
      const masterOf = (key: string) => {
        const slot = slotOf(key);
        return nodes.find(
          (n) =>
            n.role === 'master' && !n.failing && n.slots.some(([from, to]) => slot >= from && slot <= to),
        );
      };
      return {
        nodes,
        masterOf,
        replicaOf: (key) => {
          const master = masterOf(key);
          return nodes.find((n) => n.role === 'replica' && !n.failing && n.masterId === master?.id);
        },
      };
    } catch (error) {
      failures.push(error); // a node that is down: the next one is asked
    }
  }
  throw new RedisConfigError(`no node of the cluster answered CLUSTER NODES (${target.seeds.length} asked)`, {
    cause: failures[0],
  });
}
