import { describe, expect, it } from 'vitest';
import { retriedBy } from './load-spec.ts';

describe('retriedBy', () => {
  it('names the policy of an SDK client, and `module` for a module unless cockatiel wraps it', () => {
    expect(retriedBy({ target: { kind: 'secrets' }, retry: { policy: 'sdk-default' } })).toBe('sdk-default');
    expect(retriedBy({ target: { module: './m.mjs' }, retry: { policy: 'sdk-default' } })).toBe('module');
    expect(retriedBy({ target: { module: './m.mjs' }, retry: { policy: 'none' } })).toBe('module');
    const cockatiel = { policy: 'cockatiel', attempts: 3, delayMs: 10, maxDelayMs: 100 } as const;
    expect(retriedBy({ target: { module: './m.mjs' }, retry: cockatiel })).toBe('cockatiel');
  });
});
