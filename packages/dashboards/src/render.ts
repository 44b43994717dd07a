import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { clientView } from './client-view.ts';
import { regionHealth } from './region-health.ts';

/** Every dashboard, by the file it is written to in infra/grafana/dashboards/. */
export const DASHBOARDS: Record<string, () => DashboardBuilder> = {
  'vaultover-region-health.json': regionHealth,
  'vaultover-client-view.json': clientView,
};

interface PanelJson {
  id?: number;
  type?: string;
  targets?: { refId?: string }[];
  panels?: PanelJson[];
}

/**
 * The dashboard as Grafana's JSON model, ready to commit: panels numbered in order (Grafana needs a
 * unique id per panel, and numbering them here keeps the file stable), queries lettered A, B, … within
 * each panel, two-space indentation and a final newline.
 */
export function renderDashboard(dashboard: DashboardBuilder): string {
  const model = dashboard.build() as { panels?: PanelJson[] };
  let id = 0;
  const number = (panels: PanelJson[] | undefined) => {
    for (const panel of panels ?? []) {
      panel.id = ++id;
      for (const [index, target] of (panel.targets ?? []).entries()) target.refId = refId(index);
      number(panel.panels);
    }
  };
  number(model.panels);
  return `${JSON.stringify(model, null, 2)}\n`;
}

function refId(index: number): string {
  return String.fromCharCode('A'.charCodeAt(0) + index);
}

/** Every dashboard file's name and text. */
export function renderDashboards(): Map<string, string> {
  return new Map(Object.entries(DASHBOARDS).map(([file, build]) => [file, renderDashboard(build())]));
}
