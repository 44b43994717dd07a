// What Grafana would send Prometheus for a dashboard's queries: its template variables and built-in
// intervals substituted, with the meanings Grafana gives them for a Prometheus data source.

/** The built-ins a panel query may use, for one query's step and range. */
export function grafanaBuiltIns(options: {
  stepSeconds: number;
  scrapeSeconds: number;
  rangeSeconds: number;
}): Record<string, string> {
  const { stepSeconds, scrapeSeconds, rangeSeconds } = options;
  // Grafana: $__rate_interval = max($__interval + scrape interval, 4 × scrape interval).
  const rateInterval = Math.max(stepSeconds + scrapeSeconds, 4 * scrapeSeconds);
  return {
    __interval: `${stepSeconds}s`,
    __interval_ms: String(stepSeconds * 1000),
    __rate_interval: `${rateInterval}s`,
    __range: `${rangeSeconds}s`,
    __range_s: String(rangeSeconds),
    __range_ms: String(rangeSeconds * 1000),
  };
}

/** A template variable's value: one, or several (a multi-value or "All" selection). */
export type VariableValue = string | string[];

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\]/g;

/**
 * Substitutes `$name`, `${name}`, `${name:format}` and `[[name]]`. Several values are formatted as
 * Grafana does for Prometheus by default (and for `:regex`/`:pipe`): a regex alternation `(a|b)`.
 */
export function substitute(expr: string, values: Readonly<Record<string, VariableValue>>): string {
  return expr.replace(/\$\{(\w+)(?::(\w+))?\}|\$(\w+)|\[\[(\w+)\]\]/g, (whole, braced, format, bare, old) => {
    const name = (braced ?? bare ?? old) as string;
    const value = values[name];
    if (value === undefined) throw new Error(`${whole} in "${expr}" is no variable of the dashboard`);
    if (!Array.isArray(value)) return value;
    const escaped = value.map((one) => one.replace(REGEX_SPECIAL, '\\$&'));
    if (format === 'pipe') return escaped.join('|');
    return escaped.length === 1 ? (escaped[0] as string) : `(${escaped.join('|')})`;
  });
}
