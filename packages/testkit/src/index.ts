// Test helpers shared by the packages' tests and the end-to-end tests: waiting on conditions with a
// deadline, a manual clock, test Redis servers, temporary directories, test networks of Linux network
// namespaces. Test-only: no product code imports it. Per-test cleanup is `@vaultover/testkit/cleanup`,
// apart, because importing it registers a hook.
export { bearerCall } from './bearer-call.ts';
export { closedPort } from './closed-port.ts';
export { DEFAULT_FUZZ_SEED, type FuzzParameters, fuzzParameters } from './fuzz-parameters.ts';
export { ManualClock } from './manual-clock.ts';
export {
  createTestNetwork,
  type NetworkPlace,
  removeStaleNamespaces,
  type TestNetwork,
} from './netns/namespace-network.ts';
export { NAMESPACE_REDIS_PORT, type NamespaceRedis, startNamespaceRedis } from './netns/namespace-redis.ts';
export { whyNoNetworkNamespaces } from './netns/namespaces-available.ts';
export { eventually, type PollOptions, pollUntil } from './poll.ts';
export { isProcessAlive } from './processes.ts';
export {
  type FileRedis,
  redisForFile,
  startTestRedis,
  type TestRedis,
  type TestRedisOptions,
  withRedisClient,
} from './redis-servers.ts';
export { redisUrlThrough } from './redis-url.ts';
export { regionHealth } from './region-health.ts';
export { settledWithin } from './settled-within.ts';
export { tempDir } from './temp-dir.ts';
