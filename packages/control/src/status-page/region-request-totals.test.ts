import { describe, expect, it } from 'vitest';
import { sumOfCounter } from './region-request-totals.ts';

describe('sumOfCounter', () => {
  it("sums every series of one counter in prom-client's text, and nothing of a longer name", () => {
    const text = [
      '# HELP vaultover_requests_total Vault API requests by operation and HTTP status.',
      '# TYPE vaultover_requests_total counter',
      'vaultover_requests_total{operation="SecretGet",status="200",region="westeurope"} 12',
      'vaultover_requests_total{operation="SecretSet",status="503",region="westeurope"} 3',
      'vaultover_requests_total_other{region="westeurope"} 100',
      '',
    ].join('\n');
    expect(sumOfCounter(text, 'vaultover_requests_total')).toBe(15);
    expect(sumOfCounter('vaultover_requests_total 7\n', 'vaultover_requests_total')).toBe(7);
  });

  it('is 0 before the counter has a series (no request answered yet)', () => {
    expect(sumOfCounter('# TYPE vaultover_requests_total counter\n', 'vaultover_requests_total')).toBe(0);
  });
});
