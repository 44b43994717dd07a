// Every Prometheus expression of the generated dashboards parses: promtool checks them as the
// expressions of a rule file. Whether they return data is the e2e test's to say (a real Prometheus
// during a failover); this catches a broken query without one.
import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DASHBOARDS_DIR, dashboardExpressions } from '@vaultover/dashboards';
import { tempDir } from '@vaultover/testkit';
import { onCleanup } from '@vaultover/testkit/cleanup';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { promtool } from '../support/promtool.ts';

/** Grafana's variables replaced the way Grafana would, with a value for each of ours. */
function substituted(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '8s')
    .replaceAll('$__interval', '2s')
    .replace(/\$(region|redis|client)\b/g, '.+');
}

/** `label_values(metric, label)`, a Grafana function, as the PromQL selector it reads. */
function asPromql(expr: string): string {
  return expr.replace(/^label_values\((.+),\s*\w+\)$/, '$1');
}

describe.each(readdirSync(DASHBOARDS_DIR).filter((file) => file.endsWith('.json')))('%s', (file) => {
  it('has only expressions promtool parses', async () => {
    const expressions = dashboardExpressions(JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8')));
    expect(expressions.length).toBeGreaterThan(0);
    const rules = expressions.map(({ expr }, index) => ({
      record: `dashboard_check:expression_${index}`,
      expr: asPromql(substituted(expr)),
    }));
    const dir = await tempDir('vaultover-dashboard-queries-');
    onCleanup(dir.remove);
    await writeFile(join(dir.path, 'queries.yml'), stringify({ groups: [{ name: file, rules }] }));
    const result = await promtool(['check', 'rules', 'queries.yml'], dir.path);
    expect(result.ok, result.output).toBe(true);
    expect(result.output).toContain(`SUCCESS: ${rules.length} rules found`);
  });
});
