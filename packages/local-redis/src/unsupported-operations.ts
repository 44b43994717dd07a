import { UnsupportedRedisOperationError } from './errors.ts';
import type { RedisProvider, RedisProviderKind } from './redis-provider.ts';

/** stopInstance/restartInstance (and a cluster node's) for providers that do not own the redis-server processes. */
export function unsupportedInstanceControl(
  kind: RedisProviderKind,
): Pick<RedisProvider, 'stopInstance' | 'restartInstance' | 'stopClusterNode' | 'restartClusterNode'> {
  const fail = (name: string): never => {
    throw new UnsupportedRedisOperationError(
      `cannot stop or restart redis '${name}': the ${kind} provider does not own its process (use embedded)`,
    );
  };
  return {
    stopInstance: async (name) => fail(name),
    restartInstance: async (name) => fail(name),
    stopClusterNode: async (name) => fail(name),
    restartClusterNode: async (name) => fail(name),
  };
}
