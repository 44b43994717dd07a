import { parseClusterNodes } from './cluster-layout.ts';
import { withClusterNode } from './cluster-node.ts';
import { RedisStartError } from './errors.ts';

const POLL_MS = 50;

/**
 * What one node says: whether it sees the cluster whole (every slot served, and `whole`: every node of
 * `ports` known, none failing, half of them masters with slots and the rest replicas), and, as a
 * replica, its link to its master.
 */
interface NodeView {
  readonly port: number;
  readonly clusterOk: boolean;
  readonly whole: boolean;
  readonly role: 'master' | 'replica';
  readonly linked: boolean;
}

/** `field:value` lines of an INFO-style reply. */
function fields(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) map.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return map;
}

async function viewOf(
  port: number,
  ports: readonly number[],
  adminUrl: (port: number) => string,
): Promise<NodeView | undefined> {
  try {
    return await withClusterNode(adminUrl(port), async (client) => {
      const [cluster, nodesText, replication] = await Promise.all([
        client.call('cluster', 'info') as Promise<string>,
        client.call('cluster', 'nodes') as Promise<string>,
        client.info('replication'),
      ]);
      const info = fields(replication);
      const nodes = parseClusterNodes(nodesText);
      const masters = nodes.filter((node) => node.role === 'master' && node.slots.length > 0);
      return {
        port,
        clusterOk: fields(cluster).get('cluster_state') === 'ok',
        whole:
          nodes.length === ports.length &&
          nodes.every((node) => !node.failing && ports.includes(node.port)) &&
          masters.length * 2 === ports.length &&
          nodes.filter((node) => node.role === 'replica').length === masters.length,
        role: info.get('role') === 'slave' ? ('replica' as const) : ('master' as const),
        linked: info.get('master_link_status') === 'up',
      };
    });
  } catch {
    return undefined; // not answering yet: what the poll waits out
  }
}

/**
 * Resolves once every node of `ports` answers, sees the cluster whole (`cluster_state:ok`, and every node
 * known and well, a master with slots for each replica: gossip reaches each node in its own time), and,
 * when it is a replica, has its link to its master up: only then does a write reach a replica, and a
 * master's crash lose nothing its replica was sent. Throws after `timeoutMs`.
 */
export async function awaitClusterReady(
  ports: readonly number[],
  adminUrl: (port: number) => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let views: (NodeView | undefined)[] = [];
  for (;;) {
    views = await Promise.all(ports.map((port) => viewOf(port, ports, adminUrl)));
    if (views.every((view) => view?.clusterOk && view.whole && (view.role === 'master' || view.linked)))
      return;
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const states = views.map((view, i) =>
    view
      ? `${view.port}: ${view.role}, cluster ${view.clusterOk && view.whole ? 'whole' : 'not whole'}${view.role === 'replica' ? `, link ${view.linked ? 'up' : 'down'}` : ''}`
      : `${ports[i]}: no answer`,
  );
  throw new RedisStartError(`the cluster was not ready within ${timeoutMs} ms (${states.join('; ')})`);
}
