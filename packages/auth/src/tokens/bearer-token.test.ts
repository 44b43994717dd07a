import { describe, expect, it } from 'vitest';
import { MalformedTokenError, MissingTokenError } from './auth-errors.ts';
import { bearerTokenFrom } from './bearer-token.ts';

describe('bearerTokenFrom', () => {
  it('takes the token from a Bearer header, scheme in any case', () => {
    expect(bearerTokenFrom('Bearer a.b.c')).toBe('a.b.c');
    expect(bearerTokenFrom('bearer   a-_.b.c  ')).toBe('a-_.b.c');
  });

  it.each([undefined, '', 'Bearer', 'Bearer   ', 'Basic dXNlcjpwdw==', 'PoP a.b.c', 'Bearera.b.c'])(
    'treats %j as no token, so the client gets a challenge',
    (header) => {
      expect(() => bearerTokenFrom(header)).toThrow(MissingTokenError);
    },
  );

  it.each(['Bearer abc', 'Bearer a.b', 'Bearer a.b.c.d', 'Bearer a.b.c d', 'Bearer a+b.c.d'])(
    'rejects %j as malformed',
    (header) => {
      expect(() => bearerTokenFrom(header)).toThrow(MalformedTokenError);
    },
  );
});
