// The committed Prometheus rules: valid (promtool check rules), unit-tested (promtool test rules, every
// rule file with its test file, every alert in some test), and complete (labels and annotations every
// alert must carry; every recording rule the dashboards read).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RECORDED } from '@vaultover/dashboards';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { RULES_DIR } from '../support/infra-paths.ts';
import { promtool } from '../support/promtool.ts';

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const ruleFiles = readdirSync(RULES_DIR).filter((file) => file.endsWith('.yml'));
const testFiles = readdirSync(join(RULES_DIR, 'tests')).filter((file) => file.endsWith('.test.yml'));
const rules: Rule[] = ruleFiles.flatMap((file) =>
  (parse(readFileSync(join(RULES_DIR, file), 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap(
    (group) => group.rules,
  ),
);
const alerts = rules.filter((rule) => rule.alert !== undefined);

describe('infra/prometheus/rules', () => {
  it('are valid rule files (promtool check rules)', async () => {
    expect(ruleFiles.length).toBeGreaterThan(0);
    const result = await promtool(['check', 'rules', ...ruleFiles], RULES_DIR);
    expect(result.ok, result.output).toBe(true);
  });

  it('pass their unit tests (promtool test rules)', async () => {
    const result = await promtool(
      ['test', 'rules', ...testFiles.map((file) => join('tests', file))],
      RULES_DIR,
    );
    expect(result.ok, result.output).toBe(true);
  });

  it('have a test file each, and every alert is tested', () => {
    expect(testFiles.sort()).toEqual(ruleFiles.map((file) => file.replace(/\.yml$/, '.test.yml')).sort());
    const tested = testFiles.map((file) => readFileSync(join(RULES_DIR, 'tests', file), 'utf8')).join('\n');
    for (const { alert } of alerts)
      expect(tested, `no test names ${alert}`).toContain(`alertname: ${alert}\n`);
  });

  it('give every alert a severity, a summary, a description and a runbook naming a command to run', () => {
    expect(alerts.length).toBeGreaterThan(0);
    for (const { alert, labels, annotations } of alerts) {
      expect(['critical', 'warning', 'info'], `${alert}'s severity`).toContain(labels?.severity);
      expect(annotations?.summary, `${alert}'s summary`).toBeTruthy();
      expect(annotations?.description, `${alert}'s description`).toBeTruthy();
      expect(annotations?.runbook, `${alert}'s runbook`).toMatch(/scripts\/vaultover \w+/);
    }
  });

  it('record every series the dashboards read', () => {
    const recorded = rules.map((rule) => rule.record).filter(Boolean);
    for (const name of Object.values(RECORDED)) expect(recorded).toContain(name);
  });
});
