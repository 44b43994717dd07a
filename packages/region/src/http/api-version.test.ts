import { describe, expect, it } from 'vitest';
import { LATEST_API_VERSION, requireApiVersion, SUPPORTED_API_VERSIONS } from './api-version.ts';

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
});
