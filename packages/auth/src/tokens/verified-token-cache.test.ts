import { describe, expect, it } from 'vitest';
import { VerifiedTokenCache } from './verified-token-cache.ts';

const claims = (principal: string) => ({ principal, expiresAt: 0 });

describe('VerifiedTokenCache', () => {
  it('evicts the oldest token when full', () => {
    const cache = new VerifiedTokenCache(2);
    cache.set('a', claims('a'));
    cache.set('b', claims('b'));
    cache.set('c', claims('c'));
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('c')).toEqual(claims('c'));
  });

  it('does not evict when re-setting a cached token', () => {
    const cache = new VerifiedTokenCache(2);
    cache.set('a', claims('a'));
    cache.set('b', claims('b'));
    cache.set('b', claims('b'));
    expect(cache.get('a')).toEqual(claims('a'));
  });

  it('stores nothing with capacity 0', () => {
    const cache = new VerifiedTokenCache(0);
    cache.set('a', claims('a'));
    expect(cache.size).toBe(0);
  });
});
