import { Agent, request } from 'node:https';
import { type FaultRule, removeFaultRules, storeFaultRule, writeFailoverState } from '@vaultover/contract';
import type { Redis } from 'ioredis';
import { median } from '../stats.ts';

// What request-level fault rules cost a region (docs/chaos.md), for the secrets suite: a region node under a
// control Redis holding rules that do not match the measured GET, another under one holding a rule that
// matches every GET and delays it 0 ms, and how fast a change of the rules reaches a region.

/** The region's name in the bench children (bench/servers/region-child.ts). */
const BENCH_REGION = 'benchregion';
/** Rules in force while `region GET, 10 fault rules` is measured: none matches its GET. */
export const NON_MATCHING_RULES = 10;
const PROPAGATION_SAMPLES = 20;
const PROPAGATION_TIMEOUT_MS = 5000;

/**
 * NON_MATCHING_RULES rules: half name the GET's operation but other vaults, principals and methods (each
 * is tried, Set by Set), half name other operations (never looked at).
 */
export function nonMatchingRules(): FaultRule[] {
  const half = NON_MATCHING_RULES / 2;
  return [
    ...Array.from({ length: half }, (_, i) =>
      rule(`bench-same-operation-${i}`, {
        operations: ['SecretGet'],
        vaults: [`elsewhere-${i}`],
        principals: ['officer', 'app'],
        methods: ['GET'],
      }),
    ),
    ...Array.from({ length: half }, (_, i) =>
      rule(`bench-other-operation-${i}`, { operations: ['Key*', 'write'] }),
    ),
  ];
}

/**
 * The one rule in force while `region GET, 1 delay rule (0 ms)` is measured: it matches every GET of a
 * secret and has no schedule, so each request takes the whole path of a hit (the match, the hit counted
 * in the control Redis by lua/fault-hit.lua, a delay of nothing, the fault header) and then goes on.
 */
export function matchingDelayRule(): FaultRule {
  return rule('bench-delay-0ms', { operations: ['SecretGet'], methods: ['GET'] }, { type: 'delay', ms: 0 });
}

/**
 * Makes `redis` the control Redis of a one-region deployment with `BENCH_REGION` the writer in
 * read-write, as `vaultover up` runs regions, and stores `rules` in it.
 */
export async function prepareControlRedis(redis: Redis, rules: readonly FaultRule[]): Promise<void> {
  await writeFailoverState(redis, {
    expectedEpoch: null,
    epoch: 1,
    writer: BENCH_REGION,
    modes: { [BENCH_REGION]: 'read-write' },
    state: '{}',
    event: { time: new Date().toISOString(), kind: 'bench', details: {} },
    eventsMaxLength: 100,
  });
  for (const r of rules) await storeFaultRule(redis, r);
}

function rule(id: string, match: FaultRule['match'], action: FaultRule['action'] = teapot): FaultRule {
  return { id, name: id, match, action, createdAt: Date.now() };
}

const teapot: FaultRule['action'] = { type: 'error', status: 418, code: 'Teapot', message: 'bench probe' };

export interface PropagationTarget {
  port: number;
  caPem: string;
  path: string;
  token: string;
}

/**
 * How long a change of the rules takes to reach the region: from storing (or removing) a rule that
 * matches `target` to the first answer that shows it, polled back to back on one keep-alive connection
 * (so the figure includes up to one request's latency). Medians and maxima over PROPAGATION_SAMPLES
 * additions and removals, as facts for the report.
 */
export async function measurePropagation(
  redis: Redis,
  target: PropagationTarget,
): Promise<Record<string, string>> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: target.caPem });
  const added: number[] = [];
  const removed: number[] = [];
  try {
    for (let i = 0; i < PROPAGATION_SAMPLES; i++) {
      const probe = rule('bench-propagation-probe', { operations: ['SecretGet'] });
      let started = performance.now();
      await storeFaultRule(redis, probe);
      await pollStatus(agent, target, 418);
      added.push(performance.now() - started);
      started = performance.now();
      await removeFaultRules(redis, [probe.id]);
      await pollStatus(agent, target, 200);
      removed.push(performance.now() - started);
    }
  } finally {
    agent.destroy();
  }
  const describe = (values: number[]) =>
    `median ${median(values).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms`;
  return {
    faultRuleAddedWithin: `${describe(added)} (${PROPAGATION_SAMPLES} rules)`,
    faultRuleRemovedWithin: describe(removed),
  };
}

async function pollStatus(agent: Agent, target: PropagationTarget, wanted: number): Promise<void> {
  const deadline = performance.now() + PROPAGATION_TIMEOUT_MS;
  for (;;) {
    if ((await get(agent, target)) === wanted) return;
    if (performance.now() > deadline)
      throw new Error(`a fault rule change did not reach the region within ${PROPAGATION_TIMEOUT_MS} ms`);
  }
}

function get(agent: Agent, target: PropagationTarget): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: target.port,
        servername: 'localhost',
        path: target.path,
        agent,
        headers: { authorization: `Bearer ${target.token}`, host: `localhost:${target.port}` },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
