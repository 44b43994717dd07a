import { describe, expect, it } from 'vitest';
import {
  apiVersionAtLeast,
  LATEST_API_VERSION,
  requireApiVersion,
  SUPPORTED_API_VERSIONS,
} from './api-version.ts';

describe('api-version', () => {
  it.each(SUPPORTED_API_VERSIONS)('accepts %s', (version) => {
    expect(requireApiVersion(version)).toBe(version);
  });

  it('refuses an unknown version the way the real service words it', () => {
    expect(() => requireApiVersion('1999-01-01')).toThrow(
      `The specified version (1999-01-01) is not recognized. Consider using the latest supported version (${LATEST_API_VERSION}).`,
    );
  });

  it('refuses a missing version with BadParameter', () => {
    expect(() => requireApiVersion(undefined)).toThrow(
      expect.objectContaining({ status: 400, code: 'BadParameter' }),
    );
  });

  it('orders versions by release, the dated ones after 7.x', () => {
    expect(apiVersionAtLeast('2025-07-01', '2025-07-01')).toBe(true);
    expect(apiVersionAtLeast(LATEST_API_VERSION, '2025-07-01')).toBe(true);
    expect(apiVersionAtLeast('2025-06-01-preview', '2025-07-01')).toBe(false);
    expect(apiVersionAtLeast('7.6', '2025-07-01')).toBe(false);
    // A version outside the list (requireApiVersion refuses it first) is never at least anything.
    expect(apiVersionAtLeast('7.10', '7.0')).toBe(false);
  });
});
