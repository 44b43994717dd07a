import { expect } from 'vitest';

// Prometheus's HTTP API as the tests read it: instant and range queries, label values, alerts. Every
// answer must be `success`; an error names the expression and Prometheus's own error.

export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface RangeSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

export interface PrometheusAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
}

interface ApiReply<T> {
  status: 'success' | 'error';
  data: T;
  errorType?: string;
  error?: string;
}

export class PrometheusApi {
  readonly #url: string;

  constructor(url: string) {
    this.#url = url;
  }

  async #get<T>(path: string, params: Record<string, string | string[]>, what: string): Promise<T> {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
      for (const one of Array.isArray(value) ? value : [value]) search.append(name, one);
    }
    const response = await fetch(`${this.#url}${path}?${search}`);
    const reply = (await response.json()) as ApiReply<T>;
    expect(reply.status, `${what}: ${reply.errorType ?? ''} ${reply.error ?? ''}`).toBe('success');
    return reply.data;
  }

  /** An instant query at `time` (seconds; now when absent). */
  async query(expr: string, time?: number): Promise<Sample[]> {
    const params: Record<string, string> = { query: expr };
    if (time !== undefined) params.time = String(time);
    const data = await this.#get<{ resultType: string; result: Sample[] | [number, string] }>(
      '/api/v1/query',
      params,
      expr,
    );
    // A scalar answer (`time()`, a number) is one sample without labels.
    return data.resultType === 'scalar'
      ? [{ metric: {}, value: data.result as [number, string] }]
      : (data.result as Sample[]);
  }

  async queryRange(expr: string, start: number, end: number, stepSeconds: number): Promise<RangeSeries[]> {
    const params = { query: expr, start: String(start), end: String(end), step: String(stepSeconds) };
    const data = await this.#get<{ resultType: string; result: RangeSeries[] }>(
      '/api/v1/query_range',
      params,
      expr,
    );
    return data.result;
  }

  /** The first sample's value of an instant query, or undefined when it has none. */
  async value(expr: string): Promise<number | undefined> {
    const [first] = await this.query(expr);
    return first === undefined ? undefined : Number(first.value[1]);
  }

  /** Values of `label` among the series `match` selects. */
  async labelValues(label: string, match: string): Promise<string[]> {
    return await this.#get<string[]>(
      `/api/v1/label/${encodeURIComponent(label)}/values`,
      { 'match[]': match },
      match,
    );
  }

  async alerts(): Promise<PrometheusAlert[]> {
    return (await this.#get<{ alerts: PrometheusAlert[] }>('/api/v1/alerts', {}, 'alerts')).alerts;
  }

  /** Every rule group Prometheus loaded, with each rule's health (`ok` once it evaluated without error). */
  async rules(): Promise<
    {
      name: string;
      file: string;
      rules: { name: string; query: string; health: string; lastError?: string; type: string }[];
    }[]
  > {
    return (await this.#get<{ groups: never[] }>('/api/v1/rules', {}, 'rules')).groups;
  }
}
