import { describe, expect, it } from 'vitest';
import { parseScenario } from './read-scenario.ts';
import { scenarioContext } from './scenario-context.ts';
import { ScenarioInvalidError } from './scenario-error.ts';

// A valid scenario, line by line, that each case below breaks in one place.
const BASE = [
  'duration: 30s', // 1
  'load:', // 2
  '  clients:', // 3
  '    app:', // 4
  '      kind: secrets', // 5
  '      operations: { get: 1 }', // 6
  '      rate: 5', // 7
  'steps:', // 8
  '  - at: 5s', // 9
  '    id: crash', // 10
  '    crash: westeurope', // 11
  'expect:', // 12
  '  - rto < 8s', // 13
];

function issuesOf(text: string, file = 'bad.yaml'): string[] {
  try {
    parseScenario(text, file);
  } catch (error) {
    if (error instanceof ScenarioInvalidError) return error.issues.map((issue) => issue.text);
    throw error;
  }
  return [];
}

function edit(changes: Record<number, string | null>, extra: string[] = []): string {
  return [
    ...BASE.flatMap((line, index) => {
      const change = changes[index + 1];
      if (change === undefined) return [line];
      return change === null ? [] : [change];
    }),
    ...extra,
  ].join('\n');
}

describe('parseScenario', () => {
  it('accepts the base file, names it after the file, and fills the defaults', () => {
    const scenario = parseScenario(BASE.join('\n'), 'scenarios/my-run.yaml');
    expect(scenario.name).toBe('my-run');
    expect(scenario.duration).toBe(30_000);
    expect(scenario.load.clients.app).toMatchObject({
      retry: { policy: 'sdk-default' },
      timeout: 30_000,
      principal: 'officer',
    });
    expect(scenario.steps).toEqual([
      { id: 'crash', trigger: { at: 5000 }, action: { kind: 'crash', region: 'westeurope' } },
    ]);
    expect(scenario.expect.map((e) => [e.path, e.operator, e.operand])).toEqual([['rto', '<', { value: 8 }]]);
  });

  it.each([
    ['missing field', edit({ 1: null }), 'bad.yaml:1:1: duration: missing: expected a duration'],
    [
      'wrong type',
      edit({ 7: '      rate: fast' }),
      'bad.yaml:7:13: load.clients.app.rate: expected calls per second, a number above 0, got "fast"',
    ],
    [
      'unknown key',
      edit({ 7: '      rate: 5', 8: '      rtae: 5\nsteps:' }),
      'bad.yaml:8:7: load.clients.app.rtae: unknown field',
    ],
    ['unknown top-level key', edit({}, ['expects: []']), 'bad.yaml:14:1: expects: unknown field'],
    [
      'bad duration',
      edit({ 9: '  - at: 5 seconds' }),
      'bad.yaml:9:9: steps.0.at: expected a duration such as 500ms, 10s, 2m or 1m30s, got "5 seconds"',
    ],
    ['bad load duration', edit({ 1: 'duration: 1.5s' }), 'bad.yaml:1:11: duration: expected a duration'],
    [
      'two triggers',
      edit({ 10: '    after: normal' }),
      'bad.yaml:10:5: steps.0.after: one trigger only: at and after are given',
    ],
    [
      'no trigger',
      edit({ 9: '  - id: crash', 10: null }),
      'bad.yaml:9:5: steps.0: expected one trigger: at, after',
    ],
    [
      'two actions',
      edit({ 10: '    restart: westeurope' }),
      'bad.yaml:10:5: steps.0.restart: one action only: crash and restart are given',
    ],
    ['no action', edit({ 11: null }), 'bad.yaml:9:5: steps.0: expected one action: crash, restart'],
    [
      'unknown event',
      edit({ 9: '  - after: failed-ovr + 2s' }),
      'bad.yaml:9:12: steps.0.after: "failed-ovr" is neither a failover event',
    ],
    [
      'a later step',
      edit({ 9: '  - after: crash' }),
      'bad.yaml:9:12: steps.0.after: "crash" is the id of a later step',
    ],
    [
      'bad after',
      edit({ 9: '  - after: failed-over + soon' }),
      'bad.yaml:9:12: steps.0.after: expected <event or step id> [+ <duration>]',
    ],
    [
      'unknown region',
      edit({ 11: '    crash: eastus' }),
      'bad.yaml:11:12: steps.0.crash: unknown region "eastus": the deployment has westeurope, northeurope',
    ],
    [
      'unknown link',
      edit({ 11: '    toxic: { link: nowhere, remove: all }' }),
      'bad.yaml:11:20: steps.0.toxic.link: unknown link "nowhere"',
    ],
    [
      'add and remove',
      edit({ 11: '    fault: { remove: all, add: { name: x, action: { type: reset } } }' }),
      'bad.yaml:11:14: steps.0.fault.remove: one change only: add and remove are given',
    ],
    [
      'fault action field of another type',
      edit({ 11: '    fault: { add: { name: x, action: { type: reset, ms: 3 } } }' }),
      'bad.yaml:11:53: steps.0.fault.add.action.ms: unknown field',
    ],
    [
      'bad expectation path',
      edit({ 13: '  - latency < 8s' }),
      'bad.yaml:13:5: expect.0: unknown path "latency"',
    ],
    [
      'bad expectation operator',
      edit({ 13: '  - rto => 8s' }),
      'bad.yaml:13:5: expect.0: unknown operator "=>"',
    ],
    [
      'bad expectation unit',
      edit({ 13: '  - failovers < 3s' }),
      'bad.yaml:13:5: expect.0: failovers is a count: give a plain number, without "s"',
    ],
    [
      'time without unit',
      edit({ 13: '  - rto < 8' }),
      'bad.yaml:13:5: expect.0: rto is a time: give a unit, ms, s or m',
    ],
    [
      'ratio with a time unit',
      edit({ 13: '  - clients.app.success_rate > 9s' }),
      'bad.yaml:13:5: expect.0: clients.app.success_rate is a ratio',
    ],
    [
      'no number',
      edit({ 13: '  - rto <' }),
      'bad.yaml:13:5: expect.0: expected a number or a figure after "<"',
    ],
    [
      'unknown client in an expectation',
      edit({ 13: '  - clients.bob.p99 < 1s' }),
      'bad.yaml:13:5: expect.0: unknown client "bob": load.clients has app',
    ],
    [
      'unknown client on the right of an expectation',
      edit({ 13: '  - clients.app.p99 < clients.bob.p99' }),
      'bad.yaml:13:5: expect.0: unknown client "bob": load.clients has app',
    ],
    [
      'SDK retry options on a client module',
      edit({
        5: '      module: ./mine.mjs',
        7: '      rate: 5\n      retry: { policy: fixed, retries: 2, delay: 1s }',
      }),
      'bad.yaml:8:24: load.clients.app.retry.policy: a client module does its own retries: fixed',
    ],
    [
      'unknown client figure',
      edit({ 13: '  - clients.app.speed > 1' }),
      'bad.yaml:13:5: expect.0: unknown client figure "speed"',
    ],
    [
      'operation of another kind',
      edit({ 6: '      operations: { get: 1, sign: 1 }' }),
      'bad.yaml:6:29: load.clients.app.operations.sign: a secrets client does not sign',
    ],
    [
      'kind and module',
      edit({ 5: '      kind: secrets\n      module: ./mine.mjs' }),
      'bad.yaml:6:7: load.clients.app.module: one client kind only',
    ],
    [
      'neither rate nor concurrency',
      edit({ 7: null }),
      'bad.yaml:5:7: load.clients.app: expected one load shape: rate, concurrency',
    ],
    [
      'unknown retry policy',
      edit({ 7: '      rate: 5\n      retry: { policy: sometimes }' }),
      'bad.yaml:8:24: load.clients.app.retry.policy: expected policy: one of none, sdk-default, fixed, exponential, cockatiel, got "sometimes"',
    ],
    [
      'bad override',
      edit({}, ['deployment:', '  failover: { failoverWindow: 3000 }']),
      'bad.yaml:15:15: deployment.failover.failoverWindow: unknown field',
    ],
    [
      'bad override type',
      edit({}, ['deployment:', '  replication: { mode: eventually }']),
      'bad.yaml:15:24: deployment.replication.mode: expected one of "async", "sync", got "eventually"',
    ],
    [
      'file name that is no scenario name',
      BASE.join('\n'),
      'My Run.yaml:1:1: name: missing: the file name "My Run.yaml"',
      'My Run.yaml',
    ],
  ])('%s: names file, line, column and field', (_what, text, expected, file = 'bad.yaml') => {
    const issues = issuesOf(text, file);
    expect(
      issues.some((issue) => issue.startsWith(expected)),
      issues.join('\n'),
    ).toBe(true);
  });

  it('reports YAML syntax errors with their place', () => {
    expect(issuesOf('duration: 30s\nload: [\n')).toEqual([expect.stringMatching(/^bad\.yaml:\d+:\d+: /)]);
    expect(issuesOf('duration: 30s\nduration: 40s\n')[0]).toMatch(/^bad\.yaml:2:1: .*unique/i);
  });

  it('lists every problem, sorted by position', () => {
    const issues = issuesOf(
      edit({ 1: 'duration: soon', 7: '      rate: fast', 11: '    crash: eastus', 13: '  - rto < 8' }),
    );
    expect(issues.map((issue) => issue.split(':').slice(1, 2).join())).toEqual(['1', '7', '11', '13']);
  });

  it('checks regions against the deployment it is given', () => {
    const text = edit({ 11: '    crash: eastus' });
    expect(() => parseScenario(text, 'x.yaml', scenarioContext(['eastus', 'westus']))).not.toThrow();
    expect(issuesOf(edit({}))).toEqual([]);
  });
});
