import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { eventually, startTestRedis, tempDir } from '@vaultover/testkit';
import { onCleanup } from '@vaultover/testkit/cleanup';
import { describe, expect, it } from 'vitest';
import { ConfigTemplateError } from './errors.ts';
import { prometheusFolder, writePrometheusConfig } from './prometheus-folder.ts';
import { startPrometheus } from './prometheus-server.ts';
import { findRedisExporter, startRedisExporter } from './redis-exporter.ts';
import { targetAddress, writeTargets } from './scrape-targets.ts';

// A template of the committed one's shape: one job reading file-based targets, relative to the config.
const TEMPLATE = `global:
  scrape_interval: \${SCRAPE_INTERVAL}
  evaluation_interval: \${SCRAPE_INTERVAL}
rule_files: ['rules/*.yml']
scrape_configs:
  - job_name: test
    file_sd_configs: [{ files: ['targets/test*.json'] }]
`;
const RULES = `groups:
  - name: test
    rules:
      - record: test:up:sum
        expr: sum(up)
`;

async function infraWith(template: string) {
  const dir = await tempDir('vaultover-infra-');
  onCleanup(dir.remove);
  await mkdir(join(dir.path, 'rules'));
  await writeFile(join(dir.path, 'prometheus.yml'), template);
  await writeFile(join(dir.path, 'rules', 'test.yml'), RULES);
  return dir.path;
}

async function folderIn() {
  const data = await tempDir('vaultover-data-');
  onCleanup(data.remove);
  return prometheusFolder(data.path);
}

/** A metrics endpoint of our own for Prometheus to scrape. */
async function fakeExporter(): Promise<string> {
  const server = createServer((_req, res) => res.end('vaultover_test_value 42\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
}

async function query(
  prometheus: string,
  expr: string,
): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const response = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await response.json()) as {
    status: string;
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  expect(body.status).toBe('success');
  return body.data.result;
}

describe('the Prometheus vaultover up runs', () => {
  it('renders the template with the scrape interval and copies the rules', async () => {
    const folder = await folderIn();
    await writePrometheusConfig(folder, { scrapeIntervalMs: 1500 }, await infraWith(TEMPLATE));
    const config = await readFile(folder.configFile, 'utf8');
    expect(config).toContain('scrape_interval: 1500ms');
    expect(config).not.toContain('${');
    expect(await readFile(join(folder.rulesDir, 'test.yml'), 'utf8')).toBe(RULES);
  });

  it('refuses a template that lost its placeholder', async () => {
    const folder = await folderIn();
    await expect(
      writePrometheusConfig(folder, { scrapeIntervalMs: 1000 }, await infraWith('global: {}\n')),
    ).rejects.toBeInstanceOf(ConfigTemplateError);
  });

  it('scrapes what the target files name, added after it started, and evaluates the rules', async () => {
    const folder = await folderIn();
    await writePrometheusConfig(folder, { scrapeIntervalMs: 1000 }, await infraWith(TEMPLATE));
    const prometheus = await startPrometheus({ folder });
    onCleanup(() => prometheus.stop());
    await writeTargets(folder.targetsDir, 'test-a', [
      { targets: [targetAddress(await fakeExporter())], labels: { region: 'westeurope' } },
    ]);
    const series = await eventually(
      async () => {
        const result = await query(prometheus.url, 'vaultover_test_value');
        expect(result).toHaveLength(1);
        return result;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(series[0]?.metric).toMatchObject({ job: 'test', region: 'westeurope' });
    expect(series[0]?.value[1]).toBe('42');
    await eventually(async () => expect(await query(prometheus.url, 'test:up:sum')).toHaveLength(1), {
      timeoutMs: 30_000,
      intervalMs: 250,
    });
  }, 60_000);

  it('runs a Redis exporter that reports its Redis up', async () => {
    // scripts/test installs it (scripts/lib/env.sh).
    const program = await findRedisExporter();
    if (program === null) throw new Error('prometheus-redis-exporter is not installed: run scripts/test');
    const redis = await startTestRedis('exporter');
    onCleanup(() => redis.stop());
    const exporter = await startRedisExporter(program, 'westeurope', redis.url);
    onCleanup(() => exporter.stop());
    const metrics = await (await fetch(`${exporter.url}/metrics`)).text();
    expect(metrics).toMatch(/^redis_up 1$/m);
  });

  it("watches a cluster's first node as the exporter's user, with the cluster's state", async () => {
    const program = await findRedisExporter();
    if (program === null) throw new Error('prometheus-redis-exporter is not installed: run scripts/test');
    const cluster = await startTestRedis('exporter-cluster', { cluster: true });
    onCleanup(() => cluster.stop());
    const exporter = await startRedisExporter(program, 'westeurope', cluster.urlAs('exporter'));
    onCleanup(() => exporter.stop());
    const metrics = await (await fetch(`${exporter.url}/metrics`)).text();
    expect(metrics).toMatch(/^redis_up 1$/m);
    expect(metrics).toMatch(/^redis_cluster_enabled 1$/m);
    // CLUSTER INFO is the exporter user's too: the node's view of the cluster is scraped.
    expect(metrics).toMatch(/^redis_cluster_state 1$/m);
  });
});
