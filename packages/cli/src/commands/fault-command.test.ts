import type { TestRedis } from '@vaultover/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BareControl, startBareControl } from '../test-support/bare-control.ts';
import { runCliProcess } from '../test-support/cli-process.ts';

// `vaultover fault add | throttle | list | rm` against a real control process (real control Redis, real
// HTTPS, the deployment's CA and token key), so that what the CLI sends is what the API takes, and the
// API's refusals reach the user word for word. The region nodes are not needed: they only read rules.

const RULES_KEY = 'vo:control:faults';
let bare: BareControl;
let client: ReturnType<TestRedis['client']>;

beforeAll(async () => {
  bare = await startBareControl('fault-cli');
  client = bare.redis.client();
});

afterAll(async () => {
  await bare?.close();
});

beforeEach(async () => {
  await client.del(RULES_KEY);
});

const cli = (...args: string[]) => runCliProcess(['fault', ...args, '--endpoints', bare.endpoints], bare.dir);

async function storedRules(): Promise<Record<string, unknown>[]> {
  return Object.values(await client.hgetall(RULES_KEY)).map((text) => JSON.parse(text));
}

describe('vaultover fault', () => {
  it('add sends every flag as the field it names and prints the rule as stored', async () => {
    const added = await cli(
      'add',
      '--name',
      'flaky-reads',
      '--regions',
      'westeurope',
      '--operations',
      'SecretGet,Key*',
      '--vaults',
      'default',
      '--principals',
      'app',
      '--methods',
      'GET',
      '--status',
      '503',
      '--code',
      'ServiceUnavailable',
      '--message',
      'Try again.',
      '--retry-after',
      '2',
      '--per-request',
      '2',
      '--probability',
      '0.3',
      '--seed',
      '42',
      '--times',
      '10',
      '--skip',
      '0',
      '--start-after-ms',
      '0',
      '--duration-ms',
      '30000',
    );
    expect(added.code, added.stderr).toBe(0);
    const [rule] = await storedRules();
    expect(rule).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{10}$/),
      name: 'flaky-reads',
      match: {
        regions: ['westeurope'],
        operations: ['SecretGet', 'Key*'],
        vaults: ['default'],
        principals: ['app'],
        methods: ['GET'],
      },
      action: {
        type: 'error',
        status: 503,
        code: 'ServiceUnavailable',
        message: 'Try again.',
        retryAfter: 2,
      },
      schedule: {
        probability: 0.3,
        seed: 42,
        times: 10,
        skip: 0,
        perRequest: 2,
        startAfterMs: 0,
        durationMs: 30000,
      },
      createdAt: expect.any(Number),
    });
    const id = String(rule?.id);
    expect(added.stdout).toBe(
      [
        `id        ${id}`,
        'name      flaky-reads',
        'action    error 503 ServiceUnavailable retry-after=2s',
        'match     regions=westeurope operations=SecretGet,Key* vaults=default principals=app methods=GET',
        'schedule  probability=0.3 seed=42 times=10 skip=0 perRequest=2 startAfterMs=0 durationMs=30000',
        `state     active (created ${new Date(Number(rule?.createdAt)).toISOString()})`,
        '',
      ].join('\n'),
    );
    expect(added.stderr).toBe(`vaultover: remove it with \`vaultover fault rm ${id}\`\n`);
  });

  it('throttle is add --action throttle; the other actions take their flags', async () => {
    expect((await cli('throttle', '--operations', 'SecretSet', '--retry-after', '1')).code).toBe(0);
    const json = await cli('add', '--action', 'delay', '--ms', '200', '--jitter-ms', '50', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({
      name: 'delay',
      action: { type: 'delay', ms: 200 },
      hits: 0,
    });
    const rules = (await storedRules()).sort((a, b) => Number(a.createdAt) - Number(b.createdAt));
    expect(rules.map(({ name, action }) => ({ name, action }))).toEqual([
      { name: 'throttle', action: { type: 'throttle', retryAfter: 1 } },
      { name: 'delay', action: { type: 'delay', ms: 200, jitterMs: 50 } },
    ]);
    // A rule without a seed was given one, and shows it.
    expect(rules.every((rule) => typeof (rule.schedule as { seed?: unknown }).seed === 'number')).toBe(true);
  });

  it('list prints a table with the hits, or the JSON with --json', async () => {
    expect((await cli('list')).stdout).toBe('no fault rules\n');
    await cli('throttle', '--name', 'slow-down', '--operations', 'Secret*', '--times', '3');
    const [rule] = await storedRules();
    await client.hset(`vo:control:fault:${rule?.id}`, 'matches', 2, 'hits', 2);
    const listed = await cli('list');
    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\n')).toEqual([
      'ID          NAME       ACTION        STATE   HITS  MATCH',
      `${rule?.id}  slow-down  throttle 429  active  2/3   operations=Secret*`,
      '',
    ]);
    const json = JSON.parse((await cli('list', '--json')).stdout);
    expect(json).toEqual({ value: [expect.objectContaining({ id: rule?.id, hits: 2, state: 'active' })] });
  });

  it("add exits 1 with the API's reason (and the flag) when it refuses the rule; nothing is stored", async () => {
    const refusals: [string[], string][] = [
      [
        ['--probability', '1.5'],
        'schedule.probability must be a number from 0 to 1, not 1.5 (--probability)',
      ],
      [
        ['--operations', 'Blob*'],
        'match.operations[0] must be a pattern that matches at least one operation of the catalogue, not "Blob*" (--operations)',
      ],
    ];
    for (const [flags, reason] of refusals) {
      const refused = await cli('add', ...flags);
      expect(refused).toEqual({ code: 1, stdout: '', stderr: `vaultover: fault add refused: ${reason}\n` });
    }
    expect(await storedRules()).toEqual([]);
  });

  it('exits 2 for flags that do not fit together, and sends nothing', async () => {
    const usage = async (args: string[], stderr: string) => {
      const result = await cli(...args);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(stderr);
    };
    await usage(
      ['add', '--action', 'reset', '--ms', '3'],
      'vaultover: --ms applies to --action delay, not reset',
    );
    await usage(
      ['add', '--times', 'often'],
      "option '--times <n>' argument 'often' is invalid. expected a number",
    );
    await usage(
      ['rm'],
      'vaultover: name one rule to remove (vaultover fault rm <id>), or every rule with --all',
    );
    expect(await storedRules()).toEqual([]);
  });

  it('rm removes one rule by id, exits 1 for an unknown id, and --all removes every rule', async () => {
    await cli('add', '--name', 'one');
    await cli('add', '--name', 'two');
    const [first] = await storedRules();
    expect(await cli('rm', String(first?.id))).toEqual({
      code: 0,
      stdout: `removed fault rule ${first?.id}\n`,
      stderr: '',
    });
    expect(await storedRules()).toHaveLength(1);
    expect(await cli('rm', String(first?.id))).toEqual({
      code: 1,
      stdout: '',
      stderr: `vaultover: fault rm refused: No fault rule has the id ${first?.id}.\n`,
    });
    expect(await cli('rm', '--all')).toEqual({ code: 0, stdout: 'removed every fault rule\n', stderr: '' });
    expect(await storedRules()).toEqual([]);
    expect((await cli('list')).stdout).toBe('no fault rules\n');
  });
});
