import { describe, expect, it } from 'vitest';
import { validateConfig } from '../config/index.ts';
import { withThrottlingMode } from './throttling-override.ts';

const config = (throttling: unknown) => ({
  ...validateConfig({ throttling }, 'test'),
  dataDir: '/tmp/vaultover',
  file: null,
});

describe('withThrottlingMode', () => {
  it("leaves the config's throttling alone without the flag", () => {
    const custom = config({ mode: 'custom', limits: { secretCreate: 1 } });
    expect(withThrottlingMode(custom, undefined)).toBe(custom);
  });

  it("replaces the config's mode, keeping Retry-After and dropping custom limits", () => {
    const custom = config({ mode: 'custom', retryAfterSeconds: 3, limits: { secretCreate: 1 } });
    expect(withThrottlingMode(custom, 'real').throttling).toEqual({ mode: 'real', retryAfterSeconds: 3 });
    expect(withThrottlingMode(config('real'), 'off').throttling).toEqual({ mode: 'off' });
    expect(withThrottlingMode(config(undefined), 'real').throttling).toEqual({ mode: 'real' });
  });

  it('gives a config a region child validates again', () => {
    const overridden = withThrottlingMode(config({ mode: 'custom', limits: { secretCreate: 1 } }), 'real');
    expect(validateConfig({ throttling: overridden.throttling }, 'launch').throttling).toEqual({
      mode: 'real',
    });
  });
});
