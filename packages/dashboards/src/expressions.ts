// Every Prometheus expression a dashboard's JSON holds, with where it comes from: what a test runs
// against a real Prometheus to know every panel works (the lead's e2e test does, during a failover).

export interface DashboardExpression {
  /** `panel`: a panel's query; `variable`: a template variable's query; `annotation`: an annotation query. */
  kind: 'panel' | 'variable' | 'annotation';
  /** The panel's title, the variable's name or the annotation's name. */
  title: string;
  /** The panel's query refId (A, B, …); absent for variables and annotations. */
  refId?: string;
  /** Grafana's text, template variables (`$region`, `$__rate_interval`) not substituted. */
  expr: string;
  /** True for an instant query (stats): evaluate it at one time, not over a range. */
  instant: boolean;
}

interface Target {
  expr?: unknown;
  refId?: string;
  instant?: boolean;
  range?: boolean;
}

interface Panel {
  title?: string;
  targets?: Target[];
  panels?: Panel[];
}

interface DashboardJson {
  panels?: Panel[];
  templating?: { list?: { name?: string; type?: string; query?: unknown; definition?: string }[] };
  annotations?: { list?: { name?: string; expr?: unknown; target?: Target; builtIn?: number }[] };
}

/** The expressions of a dashboard's JSON model (parsed), panels inside collapsed rows included. */
export function dashboardExpressions(json: unknown): DashboardExpression[] {
  const dashboard = json as DashboardJson;
  const found: DashboardExpression[] = [];
  const visit = (panels: Panel[] | undefined) => {
    for (const panel of panels ?? []) {
      for (const target of panel.targets ?? []) {
        found.push({
          kind: 'panel',
          title: panel.title ?? '',
          refId: target.refId,
          expr: typeof target.expr === 'string' ? target.expr : '',
          instant: target.instant === true && target.range !== true,
        });
      }
      visit(panel.panels);
    }
  };
  visit(dashboard.panels);
  for (const variable of dashboard.templating?.list ?? []) {
    if (variable.type !== 'query') continue;
    const query = variable.query;
    const expr =
      typeof query === 'string'
        ? query
        : typeof query === 'object' && query
          ? String((query as Target).expr ?? '')
          : '';
    found.push({ kind: 'variable', title: variable.name ?? '', expr, instant: true });
  }
  for (const annotation of dashboard.annotations?.list ?? []) {
    if (annotation.builtIn === 1) continue;
    const expr = annotation.expr ?? annotation.target?.expr;
    found.push({
      kind: 'annotation',
      title: annotation.name ?? '',
      expr: typeof expr === 'string' ? expr : '',
      instant: false,
    });
  }
  return found;
}
