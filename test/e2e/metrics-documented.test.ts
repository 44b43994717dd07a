import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningUp, startCli, startUp } from '@vaultover/cli/test-support';
import { httpsJson } from '@vaultover/foundation';
import { eventually } from '@vaultover/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';

// docs/metrics.md is the reference of every `vaultover_` metric: what a running `vaultover up` exposes
// (every region node, the control process, the replication links' API) and a `vaultover load` against it
// must be exactly what it lists, with the same types.

const METRICS_DOC = fileURLToPath(new URL('../../docs/metrics.md', import.meta.url));
let cwd: string;
let up: RunningUp | undefined;

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'vaultover-metrics-'));
  up = await startUp(cwd);
}, 90_000);

afterAll(async () => {
  await up?.stop();
  await rm(cwd, { recursive: true, force: true });
});

/** `name → type` of the table rows of docs/metrics.md. */
async function documented(): Promise<Map<string, string>> {
  const text = await readFile(METRICS_DOC, 'utf8');
  return new Map(
    [...text.matchAll(/^\| `(vaultover_[a-z_]+)` \| (\w+) \|/gm)].map(
      (m) => [m[1], m[2]] as [string, string],
    ),
  );
}

/** Adds `name → type` of every `vaultover_` metric of a Prometheus text to `types`. */
function addTypes(types: Map<string, string>, text: string): void {
  for (const [, name, type] of text.matchAll(/^# TYPE (vaultover_[a-z_]+) (\w+)$/gm))
    types.set(name as string, type as string);
}

/** `name → type` of every `vaultover_` metric the deployment's processes expose. */
async function exposed(running: RunningUp): Promise<Map<string, string>> {
  const { caFile, metrics, links } = running.endpoints;
  const ca = await readFile(caFile, 'utf8');
  const types = new Map<string, string>();
  for (const url of metrics) {
    const reply = await httpsJson({ method: 'GET', url, ca });
    expect(reply.status, url).toBe(200);
    addTypes(types, reply.text);
  }
  const linksReply = await fetch(`${links.api}/metrics`);
  expect(linksReply.status).toBe(200);
  addTypes(types, await linksReply.text());
  addTypes(types, await loadMetrics(running));
  return types;
}

/**
 * The metrics text of a `vaultover load` run against the deployment, scraped while it runs; then it is
 * stopped as a user would (Ctrl-C), which must take its Prometheus target file away.
 */
async function loadMetrics(running: RunningUp): Promise<string> {
  const cli = startCli(['load', '--client', 'app:secrets:get=1:rate=5'], cwd);
  try {
    const url = await eventually(() => {
      const match = /metrics at (http:\/\/\S+\/metrics)/.exec(cli.stderr());
      if (!match) throw new Error(`no metrics URL on stderr yet: ${cli.stderr()}`);
      return match[1] as string;
    });
    const reply = await fetch(url);
    expect(reply.status).toBe(200);
    return await reply.text();
  } finally {
    cli.child.kill('SIGINT');
    await cli.exited;
    const file = join(running.endpoints.dataDir, 'prometheus', 'targets', `load-${cli.child.pid}.json`);
    await expect(access(file)).rejects.toThrow();
  }
}

it('every exposed vaultover_ metric is documented in docs/metrics.md with its type, and every documented one is exposed', async () => {
  if (!up) throw new Error('vaultover up did not start');
  const [doc, live] = await Promise.all([documented(), exposed(up)]);
  expect(doc.size).toBeGreaterThan(20);
  expect(Object.fromEntries([...live].sort())).toEqual(Object.fromEntries([...doc].sort()));
}, 60_000);
