import { describe, expect, it } from 'vitest';
import { serviceOrigin } from './service-origin.ts';

describe('serviceOrigin', () => {
  it('names localhost for loopback, so that the <vault>.localhost scheme and the default names hold', () => {
    expect(serviceOrigin('127.0.0.1', 8443)).toBe('https://localhost:8443');
    expect(serviceOrigin('::1', 8443)).toBe('https://localhost:8443');
  });

  it('names any other address as it is, IPv6 in brackets', () => {
    expect(serviceOrigin('198.18.0.2', 8443)).toBe('https://198.18.0.2:8443');
    expect(serviceOrigin('fd00::2', 8443)).toBe('https://[fd00::2]:8443');
  });
});
