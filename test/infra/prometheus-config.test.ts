// infra/prometheus/prometheus.yml is the template `vaultover up` renders into <dataDir>/prometheus/: the
// jobs and schemes of issue 12's contract, paths relative to the file's folder, one placeholder.
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '@vaultover/testkit';
import { onCleanup } from '@vaultover/testkit/cleanup';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_TEMPLATE, RULES_DIR } from '../support/infra-paths.ts';
import { promtool } from '../support/promtool.ts';

interface ScrapeConfig {
  job_name: string;
  scheme: string;
  honor_labels?: boolean;
  tls_config?: { ca_file?: string };
  file_sd_configs?: { files: string[] }[];
}

/** The contract: every job, its scheme, and the target labels its file_sd files carry. */
const JOBS = {
  'vaultover-region': { scheme: 'https', labels: { region: 'westeurope' } },
  'vaultover-control': { scheme: 'https', labels: {} },
  'vaultover-links': { scheme: 'http', labels: {} },
  'vaultover-load': { scheme: 'http', labels: {} },
  redis: { scheme: 'http', labels: { region: 'control' } },
} as const;

// biome-ignore lint/suspicious/noTemplateCurlyInString: the template's placeholder, which vaultover up replaces.
const PLACEHOLDER = '${SCRAPE_INTERVAL}';
const template = await readFile(CONFIG_TEMPLATE, 'utf8');
const render = (scrapeInterval: string) => template.replaceAll(PLACEHOLDER, scrapeInterval);

describe('the Prometheus config template', () => {
  it(`has ${PLACEHOLDER} as its only placeholder`, () => {
    expect(template).toContain(PLACEHOLDER);
    expect(render('2s')).not.toMatch(/\$\{/);
  });

  it("scrapes the contract's jobs with their schemes, honouring the targets' labels, from relative paths", () => {
    const config = parse(render('2s')) as { scrape_configs: ScrapeConfig[]; rule_files: string[] };
    expect(config.scrape_configs.map((job) => job.job_name).sort()).toEqual(Object.keys(JOBS).sort());
    for (const job of config.scrape_configs) {
      const expected = JOBS[job.job_name as keyof typeof JOBS];
      expect(job.scheme, job.job_name).toBe(expected.scheme);
      expect(job.honor_labels, job.job_name).toBe(true);
      if (job.scheme === 'https') expect(job.tls_config?.ca_file, job.job_name).toBe('../tls/ca.pem');
      const files = job.file_sd_configs?.flatMap((sd) => sd.files) ?? [];
      expect(files, job.job_name).toContain(
        job.job_name === 'vaultover-load' ? 'targets/load-*.json' : `targets/${job.job_name}.json`,
      );
      for (const file of files) expect(file, job.job_name).toMatch(/^targets\//);
    }
    expect(config.rule_files).toEqual(['rules/*.yml']);
  });

  it('rendered into a data directory as vaultover up lays it out, passes promtool check config with its rules', async () => {
    const dataDir = await tempDir('vaultover-prometheus-config-');
    onCleanup(dataDir.remove);
    const folder = join(dataDir.path, 'prometheus');
    await mkdir(join(folder, 'targets'), { recursive: true });
    await mkdir(join(folder, 'rules'));
    await writeFile(join(folder, 'prometheus.yml'), render('1s'));
    for (const file of (await readdir(RULES_DIR)).filter((name) => name.endsWith('.yml'))) {
      await copyFile(join(RULES_DIR, file), join(folder, 'rules', file));
    }
    for (const [job, { labels }] of Object.entries(JOBS)) {
      const file = job === 'vaultover-load' ? `load-${process.pid}.json` : `${job}.json`;
      await writeFile(join(folder, 'targets', file), JSON.stringify([{ targets: ['127.0.0.1:9'], labels }]));
    }
    const result = await promtool(['check', 'config', 'prometheus.yml'], folder);
    expect(result.ok, result.output).toBe(true);
    // promtool reads every target file and rule file the config names: a path it cannot resolve is a warning.
    expect(result.output).not.toMatch(/WARNING/);
    expect(result.output).toMatch(/SUCCESS: 2 rule files found/);
  });
});
