import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

/**
 * The replication and failover suites, which run once more with every region store a Redis Cluster
 * (three masters, one replica each): `npx vitest run --config vitest.cluster.config.ts` alone, or
 * `scripts/test` after the whole suite (`VAULTOVER_TEST_CLUSTER_PASS=0` leaves it out). Their region stores are marked as
 * such (`startTestRedis(name, { store: true })`, the region pair, the failover stack, `vaultover up`
 * through the testkit's `deploymentRedisMode()`), so VAULTOVER_REDIS=cluster makes each a cluster; the
 * control Redis stays one server. docs/architecture.md, "Redis Cluster".
 */
export const CLUSTER_PASS = [
  // Replication: the replicator, a region pair in process, and its crashes and partitions.
  'packages/replication/src/replicator.test.ts',
  'packages/replication/src/apply-batch.test.ts',
  'test/region/replication-convergence.test.ts',
  'test/region/replication-node.test.ts',
  'test/region/replication-sync.test.ts',
  'test/e2e/replication-crash.test.ts',
  'test/e2e/partition-sync.test.ts',
  // Failover: the failover stack in process, `vaultover up` failing over, and the nemesis.
  'test/control/control-api.test.ts',
  'test/control/failback-dead-primary.test.ts',
  'test/control/failover-metrics.test.ts',
  'test/control/faults-gateway-sdk.test.ts',
  'test/control/fencing.test.ts',
  'test/control/manual-controls-race.test.ts',
  'test/control/purges-wait.test.ts',
  'test/control/rpo.test.ts',
  'test/e2e/failover-sequence.test.ts',
  'test/e2e/two-controls.test.ts',
  'test/e2e/prometheus-failover.test.ts',
  'test/nemesis/nemesis.test.ts',
];

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: CLUSTER_PASS,
    env: { VAULTOVER_REDIS: 'cluster' },
    // A cluster takes 2–3.5 s to form here, and a failover stack starts two of them.
    hookTimeout: 60_000,
  },
});
