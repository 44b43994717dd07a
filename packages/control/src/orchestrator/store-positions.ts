import { createRedisClient } from '@vaultover/foundation/redis';
import { storePosition } from '@vaultover/vault';

/** How long reading a store may take: promotion waits for it, and a dead Redis refuses at once anyway. */
const READ_DEADLINE_MS = 500;

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
      connectTimeout: READ_DEADLINE_MS,
      commandTimeout: READ_DEADLINE_MS,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    redis.on('error', () => {}); // the failure reaches the caller as undefined
    try {
      await redis.connect();
      return await storePosition(redis);
    } catch {
      return undefined;
    } finally {
      redis.disconnect();
    }
  }
}
