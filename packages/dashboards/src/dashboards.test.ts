import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROMETHEUS, VAULTOVER_DATASOURCE } from './datasource.ts';
import { dashboardExpressions } from './expressions.ts';
import { DASHBOARDS_DIR, REGENERATE } from './paths.ts';
import { renderDashboards } from './render.ts';

const rendered = renderDashboards();
const docs = (name: string) => readFileSync(new URL(`../../../docs/${name}`, import.meta.url), 'utf8');

interface Panel {
  id?: number;
  type: string;
  title?: string;
  description?: string;
  datasource?: { uid?: string };
  fieldConfig?: { defaults?: { unit?: string } };
  targets?: { expr?: string; refId?: string }[];
  panels?: Panel[];
}

function panelsOf(json: { panels?: Panel[] }): Panel[] {
  const flat = (panels: Panel[] = []): Panel[] => panels.flatMap((panel) => [panel, ...flat(panel.panels)]);
  return flat(json.panels);
}

describe('the committed dashboards', () => {
  it('are exactly what the code generates', () => {
    const committed = readdirSync(DASHBOARDS_DIR).filter((file) => file.endsWith('.json'));
    expect(committed.sort(), `infra/grafana/dashboards/ differs from the code: run ${REGENERATE}`).toEqual(
      [...rendered.keys()].sort(),
    );
    for (const [file, text] of rendered) {
      const onDisk = readFileSync(join(DASHBOARDS_DIR, file), 'utf8');
      // Not toEqual on the text: a diff of 2,000 lines helps nobody; the command does.
      expect(
        onDisk === text,
        `infra/grafana/dashboards/${file} is not what the code generates: run ${REGENERATE}`,
      ).toBe(true);
    }
  });
});

describe.each([...rendered.entries()])('%s', (_file, text) => {
  const json = JSON.parse(text) as {
    uid: string;
    panels?: Panel[];
    templating: { list: { name: string; type: string; current?: { value: unknown } }[] };
  };
  const panels = panelsOf(json).filter((panel) => panel.type !== 'row');

  it('gives every panel a description, a unit, the $datasource and at least one query with an expression', () => {
    for (const panel of panels) {
      const where = `panel "${panel.title}"`;
      expect(panel.description?.trim(), `${where} has no description`).toBeTruthy();
      expect(panel.fieldConfig?.defaults?.unit, `${where} has no unit`).toBeTruthy();
      expect(panel.datasource?.uid, `${where} does not query $datasource`).toBe(PROMETHEUS.uid);
      expect(panel.targets?.length, `${where} has no query`).toBeGreaterThan(0);
      for (const target of panel.targets ?? [])
        expect(target.expr?.trim(), `${where} has an empty query`).toBeTruthy();
    }
  });

  it("numbers its panels uniquely and letters each panel's queries uniquely", () => {
    const ids = panelsOf(json).map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of panels) {
      const refIds = (panel.targets ?? []).map((target) => target.refId);
      expect(new Set(refIds).size, `panel "${panel.title}"`).toBe(refIds.length);
    }
  });

  it('defaults $datasource to the provisioned Prometheus', () => {
    const variable = json.templating.list.find((v) => v.name === 'datasource');
    expect(variable?.type).toBe('datasource');
    expect(variable?.current?.value).toBe(VAULTOVER_DATASOURCE.uid);
  });

  it('uses $__rate_interval for every rate window', () => {
    for (const { title, expr } of dashboardExpressions(json)) {
      for (const window of expr.matchAll(/\b(?:rate|increase|changes)\([^[]*\[([^\]]+)\]/g)) {
        expect(window[1], `"${title}": ${expr}`).toBe('$__rate_interval');
      }
    }
  });

  it('charts only documented metrics, by their exact names', () => {
    const metricsMd = docs('metrics.md');
    const observabilityMd = docs('observability.md');
    const names = new Set(
      dashboardExpressions(json).flatMap(({ expr }) =>
        [...expr.matchAll(/(?<![:\w])(?:vaultover|redis)_[a-z_]+(?![:\w])/g)].map((m) => m[0]),
      ),
    );
    for (const name of names) {
      const base = name.replace(/_(bucket|sum|count)$/, '');
      if (base.startsWith('redis_')) {
        expect(observabilityMd, `${name} (exporter) is not named in docs/observability.md`).toContain(
          `\`${base}\``,
        );
      } else {
        expect(metricsMd, `${name} is not in docs/metrics.md`).toContain(`| \`${base}\` |`);
      }
    }
  });
});

describe('the dashboards together', () => {
  it('have unique uids', () => {
    const uids = [...rendered.values()].map((text) => (JSON.parse(text) as { uid: string }).uid);
    expect(new Set(uids).size).toBe(uids.length);
    expect(uids.every((uid) => /^[a-z0-9-]{1,40}$/.test(uid))).toBe(true);
  });
});

describe('dashboardExpressions', () => {
  it('lists panel queries inside collapsed rows, variable queries and annotation queries, with their titles', () => {
    const json = {
      panels: [
        { type: 'timeseries', title: 'Top', targets: [{ refId: 'A', expr: 'up' }] },
        {
          type: 'row',
          title: 'Hidden',
          panels: [{ type: 'stat', title: 'Inside', targets: [{ refId: 'A', expr: 'x', instant: true }] }],
        },
      ],
      templating: {
        list: [
          { type: 'datasource', name: 'datasource', query: 'prometheus' },
          { type: 'query', name: 'region', query: 'label_values(m, region)' },
        ],
      },
      annotations: {
        list: [
          { builtIn: 1, name: 'Annotations & Alerts' },
          { name: 'Changes', expr: 'changes(y[1m]) > 0' },
        ],
      },
    };
    expect(dashboardExpressions(json)).toEqual([
      { kind: 'panel', title: 'Top', refId: 'A', expr: 'up', instant: false },
      { kind: 'panel', title: 'Inside', refId: 'A', expr: 'x', instant: true },
      { kind: 'variable', title: 'region', expr: 'label_values(m, region)', instant: true },
      { kind: 'annotation', title: 'Changes', expr: 'changes(y[1m]) > 0', instant: false },
    ]);
  });
});
