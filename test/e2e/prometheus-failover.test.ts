import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VaultoverCredential } from '@vaultover/auth';
import type { Endpoints } from '@vaultover/cli';
import { type CliProcess, type RunningUp, startCli, startUp } from '@vaultover/cli/test-support';
import { DASHBOARDS_DIR, type DashboardExpression, dashboardExpressions } from '@vaultover/dashboards';
import { INFRA_PROMETHEUS_DIR } from '@vaultover/observability';
import { bearerCall, pollUntil } from '@vaultover/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { grafanaBuiltIns, substitute, type VariableValue } from '../support/grafana-queries.ts';
import { PrometheusApi } from '../support/prometheus-api.ts';

// `vaultover up --prometheus` as a user runs it, scraping every second, through a failover: traffic from
// `vaultover load`, a fault rule, throttling, a slow then cut replication link, a forced failover and a
// failback. Then every query of every committed dashboard and every rule expression runs against what
// Prometheus recorded, as Grafana would send it, and the failover shows in the series it moves.

const SCRAPE_SECONDS = 1;
const CONFIG = `observability: { prometheus: true, scrapeIntervalMs: ${SCRAPE_SECONDS * 1000} }
throttling: { mode: custom, limits: { secretCreate: 20 } }
failover: { failoverWindowMs: 1500, failbackWindowMs: 1500, minFailedOverMs: 0, autoFailback: false }
`;
const SCOPE = 'https://vault.azure.net/.default';
const FAILOVER_ALERT = 'FailoverInProgress';
/** The secondary's apply lag, p99 over the last 4 s: about a second while the link is slow. */
const APPLY_LAG_P99 =
  'histogram_quantile(0.99, sum by (le) (rate(vaultover_replication_apply_lag_seconds_bucket[4s])))';

let cwd: string;
let up: RunningUp | undefined;
let load: CliProcess | undefined;
let endpoints: Endpoints;
let prometheus: PrometheusApi;
/** Unix seconds: the stretch of time the checks read. */
let start = 0;
let end = 0;
/** Alert name → the states Prometheus reported for it, polled through the run. */
const alertStates = new Map<string, Set<string>>();
let failoverAlertWhileFailedOver: string | undefined;

const now = () => Date.now() / 1000;

async function adminToken(): Promise<string> {
  const admin = new VaultoverCredential({ principal: 'admin', dataDir: endpoints.dataDir });
  return (await admin.getToken(SCOPE))?.token ?? '';
}

async function control(method: 'GET' | 'POST', path: string, body?: unknown) {
  const ca = await readFile(endpoints.caFile, 'utf8');
  const reply = await bearerCall(method, `${endpoints.control}${path}`, ca, await adminToken(), body);
  return {
    status: reply.status,
    json: reply.body ? (JSON.parse(reply.body) as Record<string, unknown>) : {},
  };
}

/** A route of the replication link's API (`/proxies/<link>…`), which takes an administrator's token. */
async function replicationLink(method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<number> {
  const [name] = Object.values(endpoints.links.proxies);
  const response = await fetch(`${endpoints.links.api}/proxies/${name}${path}`, {
    method,
    headers: { authorization: `Bearer ${await adminToken()}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return response.status;
}

async function link(body: unknown): Promise<void> {
  expect(await replicationLink('POST', '', body)).toBe(200);
}

async function failoverState(): Promise<string> {
  return String((await control('GET', '/api/status')).json.state);
}

async function waitForState(state: string): Promise<void> {
  await pollUntil(`the control API reports ${state}`, async () => (await failoverState()) === state, {
    timeoutMs: 30_000,
    intervalMs: 100,
  });
}

/** Until Prometheus's instant answer to `expr` has a sample. */
async function waitForPrometheus(what: string, expr: string): Promise<void> {
  await pollUntil(
    `Prometheus shows ${what} (${expr})`,
    async () => (await prometheus.query(expr)).length > 0,
    {
      timeoutMs: 30_000,
      intervalMs: 250,
    },
  );
}

/** Records every alert's states until `stop` resolves. */
function watchAlerts(stop: Promise<void>): Promise<void> {
  let stopped = false;
  void stop.then(() => {
    stopped = true;
  });
  return (async () => {
    while (!stopped) {
      for (const alert of await prometheus.alerts()) {
        const name = alert.labels.alertname ?? '';
        if (!alertStates.has(name)) alertStates.set(name, new Set());
        alertStates.get(name)?.add(alert.state);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
}

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'vaultover-prometheus-'));
  up = await startUp(cwd, 90_000, CONFIG);
  endpoints = up.endpoints;
  prometheus = new PrometheusApi(String(endpoints.prometheus));
  start = now();
  let stopWatching: () => void = () => {};
  const watching = watchAlerts(new Promise((resolve) => (stopWatching = resolve)));
  try {
    load = startCli(
      ['load', '--duration', '10m', '--seed', '3', '--client', 'app:secrets:get=6,set=4:rate=30'],
      cwd,
    );
    await waitForPrometheus('the load client calling', 'vaultover_client_calls_total');
    await waitForPrometheus('requests answered by the primary', 'sum(vaultover_requests_total) > 0');
    const rule = await control('POST', '/api/faults', {
      name: 'flaky-get',
      match: { operations: ['SecretGet'] },
      action: { type: 'error', status: 503, code: 'ServiceUnavailable', message: 'Try again.' },
      schedule: { probability: 0.2, seed: 7 },
    });
    expect(rule.status).toBe(201);
    await waitForPrometheus('the rule acting', 'vaultover_faults_injected_total > 0');
    await waitForPrometheus('throttled writes', 'vaultover_throttled_requests_total > 0');
    // A slow link: the secondary applies every change about a second late.
    const toxic = await replicationLink('POST', '/toxics', {
      name: 'slow',
      type: 'latency',
      stream: 'downstream',
      attributes: { latency: 1000 },
    });
    expect(toxic).toBe(200);
    await waitForPrometheus('changes applied a second late', `${APPLY_LAG_P99} > 0.5`);
    // Cut: what the primary acknowledges from now on is what a failover loses. Wait for a few of those.
    const [primary, secondary] = Object.keys(endpoints.regions) as [string, string];
    const writesOnPrimary = `sum(vaultover_requests_total{region="${primary}",operation="SecretSet",status="200"})`;
    await link({ enabled: false });
    const atCut = (await prometheus.value(writesOnPrimary)) ?? 0;
    // The count read at the cut can be a scrape old: ask for more writes than a scrape interval holds.
    await waitForPrometheus('writes acknowledged behind the cut', `${writesOnPrimary} > ${atCut + 6}`);
    expect((await control('POST', '/api/failover')).status).toBe(202);
    await waitForState('failed-over');
    // While failed over the old primary crashes and comes back: the region-down panels and RegionDown.
    expect((await control('POST', `/api/regions/${primary}/crash`)).status).toBe(200);
    await waitForPrometheus('the old primary down', `vaultover_region_up{region="${primary}"} == 0`);
    expect((await control('POST', `/api/regions/${primary}/restart`)).status).toBe(200);
    await waitForPrometheus('the old primary up again', `vaultover_region_up{region="${primary}"} == 1`);
    expect(secondary).not.toBe(primary);
    await waitForPrometheus('the vault failed over', 'vaultover_failover_state{state="failed-over"} == 1');
    await waitForPrometheus(
      'writes refused by the read-only secondary',
      'vaultover_readonly_rejections_total > 0',
    );
    await pollUntil(
      `${FAILOVER_ALERT} fires while failed over`,
      () => alertStates.get(FAILOVER_ALERT)?.has('firing') === true,
      {
        timeoutMs: 30_000,
        intervalMs: 200,
      },
    );
    failoverAlertWhileFailedOver = await failoverState();
    await link({ enabled: true });
    expect(await replicationLink('DELETE', '/toxics/slow')).toBe(204);
    expect((await control('POST', '/api/failback')).status).toBe(202);
    await waitForState('normal');
    await waitForPrometheus('the vault back in normal', 'vaultover_failover_state{state="normal"} == 1');
    await pollUntil(
      `${FAILOVER_ALERT} resolved after failback`,
      async () => !(await prometheus.alerts()).some((alert) => alert.labels.alertname === FAILOVER_ALERT),
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    // One more scrape of everything after the failback.
    const after = now() + 2 * SCRAPE_SECONDS;
    await pollUntil('two scrapes after the failback', () => now() > after, {
      timeoutMs: 10_000,
      intervalMs: 100,
    });
    end = now();
  } finally {
    stopWatching();
    await watching;
  }
}, 240_000);

afterAll(async () => {
  if (load && load.child.exitCode === null) {
    load.child.kill('SIGINT');
    await load.exited;
  }
  await up?.stop();
  await rm(cwd, { recursive: true, force: true });
});

/** Values of a dashboard's template variables, from what Prometheus recorded (a query variable's labels). */
async function variableValues(dashboard: DashboardJson): Promise<Record<string, VariableValue>> {
  const values: Record<string, VariableValue> = {};
  for (const variable of dashboard.templating?.list ?? []) {
    if (variable.type !== 'query') continue;
    const query = typeof variable.query === 'string' ? variable.query : String(variable.query?.query ?? '');
    const match = /^label_values\((.+),\s*(\w+)\)$/.exec(query.trim());
    if (!match) throw new Error(`variable ${variable.name}: not a label_values query: ${query}`);
    const found = await prometheus.labelValues(match[2] as string, match[1] as string);
    expect(found, `values of $${variable.name}`).not.toHaveLength(0);
    values[variable.name] = variable.multi || variable.includeAll ? found : (found[0] as string);
  }
  return values;
}

interface DashboardJson {
  title: string;
  templating?: {
    list?: {
      name: string;
      type: string;
      query?: string | { query?: string };
      multi?: boolean;
      includeAll?: boolean;
    }[];
  };
}

async function committedDashboards(): Promise<DashboardJson[]> {
  const files = (await readdir(DASHBOARDS_DIR)).filter((name) => name.endsWith('.json')).sort();
  expect(files.length).toBeGreaterThanOrEqual(2);
  return await Promise.all(
    files.map(
      async (name) => JSON.parse(await readFile(join(DASHBOARDS_DIR, name), 'utf8')) as DashboardJson,
    ),
  );
}

/** Runs `expr` as Grafana would over the run (step 1 s) and at its end; returns the range's series count. */
async function evaluate(
  expr: string,
  values: Record<string, VariableValue>,
  instant: boolean,
): Promise<number> {
  const range = Math.ceil(end - start);
  const builtIns = grafanaBuiltIns({ stepSeconds: 1, scrapeSeconds: SCRAPE_SECONDS, rangeSeconds: range });
  const query = substitute(expr, { ...values, ...builtIns });
  const atEnd = await prometheus.query(query, end);
  if (instant) {
    // A stat reads the last value: ask over the run as well, for panels whose value only the failover set.
    const ranged = await prometheus.queryRange(query, start, end, 1);
    return Math.max(atEnd.length, ranged.length);
  }
  return (await prometheus.queryRange(query, start, end, 1)).length;
}

describe('every dashboard query, against Prometheus during a failover', () => {
  it('every panel, variable and annotation query succeeds, and every panel has data', async () => {
    const empty: string[] = [];
    for (const dashboard of await committedDashboards()) {
      const values = await variableValues(dashboard);
      const byPanel = new Map<string, number>();
      for (const query of dashboardExpressions(dashboard) as DashboardExpression[]) {
        expect(query.expr, `${dashboard.title} / ${query.title}: no expression`).not.toBe('');
        if (query.kind === 'variable') continue; // resolved above
        const series = await evaluate(query.expr, values, query.instant);
        const key = `${dashboard.title} / ${query.kind} ${query.title}`;
        byPanel.set(key, (byPanel.get(key) ?? 0) + series);
      }
      for (const [panel, series] of byPanel) if (series === 0) empty.push(panel);
    }
    expect(empty, 'panels without data').toEqual([]);
  }, 120_000);
});

interface RuleFile {
  groups: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[];
}

describe('every rule, against Prometheus during a failover', () => {
  it('every rule expression evaluates, and Prometheus loaded every rule without an error', async () => {
    const dir = join(INFRA_PROMETHEUS_DIR, 'rules');
    const files = (await readdir(dir)).filter((name) => /\.ya?ml$/.test(name));
    let count = 0;
    for (const file of files) {
      const { groups } = parseYaml(await readFile(join(dir, file), 'utf8')) as RuleFile;
      for (const rule of groups.flatMap((group) => group.rules)) {
        // Rules are Prometheus's own text: nothing to substitute (`${1}` is label_replace's).
        await prometheus.queryRange(rule.expr, start, end, 1);
        count++;
      }
    }
    const loaded = (await prometheus.rules()).flatMap((group) => group.rules);
    expect(loaded).toHaveLength(count);
    expect(
      loaded.filter((rule) => rule.health !== 'ok').map((rule) => `${rule.name}: ${rule.lastError}`),
    ).toEqual([]);
  });

  it(`${FAILOVER_ALERT} fired during the failover and resolved after the failback`, () => {
    expect(failoverAlertWhileFailedOver).toBe('failed-over');
    expect([...(alertStates.get(FAILOVER_ALERT) ?? [])]).toContain('firing');
  });
});

describe('the failover, as Prometheus recorded it', () => {
  const over = () => `${Math.ceil(end - start)}s`;
  const at = async (expr: string) => Number((await prometheus.query(expr, end))[0]?.value[1] ?? Number.NaN);

  it('the failover state went through every state, and the epoch moved with it', async () => {
    for (const state of ['normal', 'failing-over', 'failed-over', 'failing-back']) {
      expect(await at(`max_over_time(vaultover_failover_state{state="${state}"}[${over()}])`), state).toBe(1);
    }
    expect(await at(`changes(vaultover_failover_epoch[${over()}])`)).toBeGreaterThanOrEqual(4);
    expect(await at(`increase(vaultover_failovers_total[${over()}])`)).toBeGreaterThanOrEqual(1);
  });

  it('the secondary served, then the primary again', async () => {
    const secondary = Object.keys(endpoints.regions)[1] as string;
    expect(await at(`max_over_time(vaultover_serving_region{region="${secondary}"}[${over()}])`)).toBe(1);
    expect(
      await at(`max_over_time(vaultover_region_mode{region="${secondary}",mode="read-only"}[${over()}])`),
    ).toBe(1);
  });

  it('replication lag rose, the failover lost changes, and writes were refused while failed over', async () => {
    expect(await at(`max_over_time(${APPLY_LAG_P99}[${over()}:1s])`)).toBeGreaterThan(0.5);
    expect(await at(`max_over_time(vaultover_failover_rpo_changes[${over()}])`)).toBeGreaterThan(0);
    // The counter is born at the first refusal of a fresh deployment, so any value it reached is refusals
    // made during the run. (Not increase(): throttling admits 20 writes a window, which can all be refused
    // between two scrapes, leaving one flat series and an increase of 0.)
    expect(await at(`max_over_time(sum(vaultover_readonly_rejections_total)[${over()}:1s])`)).toBeGreaterThan(
      0,
    );
  });
});

describe('when vaultover up dies', () => {
  it('Prometheus and the exporters die with it, even on SIGKILL', async () => {
    const url = String(endpoints.prometheus);
    const exporters = JSON.parse(
      await readFile(join(endpoints.dataDir, 'prometheus', 'targets', 'redis.json'), 'utf8'),
    ) as {
      targets: string[];
    }[];
    expect(exporters).toHaveLength(3);
    const answers = async (base: string) =>
      await fetch(base).then(
        (response) => response.ok,
        () => false,
      );
    expect(await answers(`${url}/-/ready`)).toBe(true);
    up?.process.child.kill('SIGKILL');
    await up?.process.exited;
    for (const base of [
      `${url}/-/ready`,
      ...exporters.map(({ targets }) => `http://${targets[0]}/metrics`),
    ]) {
      await pollUntil(`${base} no longer answers`, async () => !(await answers(base)), { timeoutMs: 15_000 });
    }
  }, 30_000);
});
