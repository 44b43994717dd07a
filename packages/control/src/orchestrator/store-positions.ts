import { withDeadline } from '@vaultover/foundation';
import { createRedisClient } from '@vaultover/foundation/redis';
import { storePosition } from '@vaultover/vault';

/** How long each step of reading a store may take (connecting, a command). */
const STEP_TIMEOUT_MS = 500;
/**
 * How long the whole read may take: promotion waits for it, and a dead Redis refuses at once anyway.
 * Needed beside the steps' timeouts: a cluster client's connect waits for the cluster to be ready, which
 * a cluster whose nodes are restarting did not become for seconds (no step's timeout applies there).
 */
const READ_DEADLINE_MS = 1000;

/**
 * Reads a region's change position straight from its store (one server or a cluster), when the deployment told the control process
 * where that is. This is the simulator's privilege as the observer of every region: the real service
 * cannot read a failed region's storage, but Vaultover can, and so reports an RPO that counts exactly the
 * changes the old primary committed after its last health probe too (docs/design.md, "RPO accounting").
 * Undefined when the store is not known or does not answer in time.
 */
export class StorePositions {
  readonly #urls: ReadonlyMap<string, string>;

  constructor(storeUrls: ReadonlyMap<string, string>) {
    this.#urls = storeUrls;
  }

  async position(region: string): Promise<number | undefined> {
    const url = this.#urls.get(region);
    if (url === undefined) return undefined;
    const redis = createRedisClient(url, {
      lazyConnect: true,
      connectTimeout: STEP_TIMEOUT_MS,
      commandTimeout: STEP_TIMEOUT_MS,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    redis.on('error', () => {}); // the failure reaches the caller as undefined
    const read = async () => {
      await redis.connect();
      return storePosition(redis);
    };
    try {
      return await withDeadline(read(), READ_DEADLINE_MS, () => undefined);
    } catch {
      return undefined;
    } finally {
      redis.disconnect();
    }
  }
}
