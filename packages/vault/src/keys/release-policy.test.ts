import { describe, expect, it } from 'vitest';
import { releasePolicyFrom, releaseRulesOf, satisfies } from './release-policy.ts';

const AUTHORITY = 'https://localhost:8443';
const encode = (policy: unknown) => Buffer.from(JSON.stringify(policy)).toString('base64url');
const rulesOf = (policy: unknown) => releaseRulesOf(releasePolicyFrom({ data: encode(policy) }));
const decoded = (data: string) => JSON.parse(Buffer.from(data, 'base64url').toString());

describe('release policy grammar', () => {
  it('re-serialises version first, then each authority before its conditions, whatever the case of anyof/allof', () => {
    const stored = releasePolicyFrom({
      data: encode({
        anyof: [{ allof: [{ equals: 'true', claim: 'sdk-test' }], authority: AUTHORITY }],
        version: '1.0.0',
      }),
    });
    expect(stored.contentType).toBe('application/json; charset=utf-8');
    expect(stored.immutable).toBe(false);
    expect(JSON.stringify(decoded(stored.data))).toBe(
      JSON.stringify({
        version: '1.0.0',
        anyOf: [{ authority: AUTHORITY, allOf: [{ claim: 'sdk-test', equals: 'true' }] }],
      }),
    );
  });

  it.each([
    ['a version other than 1.0.0', { version: '1.0', anyOf: [] }, `'version' must be "1.0.0"`],
    ['no authorities', { version: '1.0.0', anyOf: [] }, "'anyOf' must be a non-empty array of authorities"],
    [
      'an authority that is not a URL',
      { version: '1.0.0', anyOf: [{ authority: 'maa', allOf: [{ claim: 'a', equals: 1 }] }] },
      'anyOf[0].authority must be the URL of an attestation authority',
    ],
    [
      'an authority without conditions',
      { version: '1.0.0', anyOf: [{ authority: AUTHORITY }] },
      "anyOf[0] needs 'allOf' or 'anyOf' conditions",
    ],
    [
      'an operator other than equals',
      { version: '1.0.0', anyOf: [{ authority: AUTHORITY, allOf: [{ claim: 'a', greater: 1 }] }] },
      "anyOf[0].allOf[0] needs 'equals': the only operator of version 1.0.0",
    ],
    [
      'both allOf and anyOf',
      { version: '1.0.0', anyOf: [{ authority: AUTHORITY, allOf: [{ claim: 'a', equals: 1 }], anyOf: [] }] },
      "anyOf[0] has both 'allOf' and 'anyOf'",
    ],
  ])('refuses %s', (_what, policy, why) => {
    expect(() => releasePolicyFrom({ data: encode(policy) })).toThrow(`Invalid release_policy: ${why}.`);
  });

  it('refuses data that is not JSON and a content type other than JSON', () => {
    expect(() => releasePolicyFrom({ data: encode('x').slice(2) })).toThrow(
      "'data' is not base64url of a JSON document",
    );
    expect(() => releasePolicyFrom({ contentType: 'text/plain', data: encode({}) })).toThrow(
      'contentType must be',
    );
  });
});

describe('release policy evaluation', () => {
  const rules = rulesOf({
    version: '1.0.0',
    anyOf: [
      {
        authority: `${AUTHORITY}/`,
        allOf: [
          { claim: 'sdk-test', equals: 'true' },
          {
            anyOf: [
              { claim: 'svn', equals: 2 },
              { claim: 'x-ms-isolation-tee.x-ms-compliance-status', equals: 'azure-compliant-cvm' },
            ],
          },
        ],
      },
    ],
  });

  it.each([
    ['every condition holds (boolean claim against "true")', { 'sdk-test': true, svn: 2 }, true],
    [
      'a nested claim meets the inner anyOf',
      { 'sdk-test': 'true', 'x-ms-isolation-tee': { 'x-ms-compliance-status': 'azure-compliant-cvm' } },
      true,
    ],
    ['a number claim against the number', { 'sdk-test': true, svn: '2' }, true],
    ['the outer allOf fails', { 'sdk-test': false, svn: 2 }, false],
    ['no branch of the inner anyOf holds', { 'sdk-test': true, svn: 3 }, false],
    ['a claim is missing', { svn: 2 }, false],
    ['an object claim never equals a value', { 'sdk-test': { value: true }, svn: 2 }, false],
  ])('%s: %s', (_what, claims, expected) => {
    expect(satisfies(rules, AUTHORITY, claims)).toBe(expected);
  });

  it('applies only the conditions of the authority that issued the token', () => {
    expect(satisfies(rules, 'https://sharedeus.eus.attest.azure.net', { 'sdk-test': true, svn: 2 })).toBe(
      false,
    );
    expect(satisfies(rules, 'HTTPS://LOCALHOST:8443', { 'sdk-test': true, svn: 2 })).toBe(true);
  });
});
