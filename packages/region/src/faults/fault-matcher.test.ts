import type { FaultMatch, FaultRule } from '@vaultover/contract';
import { OPERATIONS } from '@vaultover/vault';
import { describe, expect, it } from 'vitest';
import type { InvalidFaultRuleError } from './fault-errors.ts';
import { jitter } from './fault-injector.ts';
import { expandOperations, FaultMatcher, type FaultRequest } from './fault-matcher.ts';

let next = 0;
function rule(match: FaultMatch | undefined, extra: Partial<FaultRule> = {}): FaultRule {
  return {
    id: `r${++next}`,
    name: 'test',
    match,
    action: { type: 'error', status: 503, code: 'ServiceUnavailable', message: 'x' },
    createdAt: next,
    ...extra,
  };
}

const request: FaultRequest = { operation: 'SecretGet', vault: 'main', principal: 'app', method: 'GET' };
const compile = (rules: FaultRule[], invalid: InvalidFaultRuleError[] = []) =>
  FaultMatcher.compile(rules, 'westeurope', (error) => invalid.push(error));
const ids = (rules: FaultRule[] | undefined) => rules?.map((r) => r.id);

describe('expandOperations', () => {
  it('expands names, `*` patterns and the read/write groups against the catalogue', () => {
    expect([...expandOperations(['SecretGet', 'KeyGet'])]).toEqual(['SecretGet', 'KeyGet']);
    expect(expandOperations(['Secret*']).size).toBe(
      OPERATIONS.filter((o) => o.name.startsWith('Secret')).length,
    );
    expect([...expandOperations(['*Deleted'])]).toContain('VaultListDeleted');
    const writes = expandOperations(['write']);
    expect(writes.has('SecretSet')).toBe(true);
    expect(writes.has('SecretGet')).toBe(false);
    expect(expandOperations(['read']).has('KeyEncrypt')).toBe(true);
  });

  it('takes absent or empty as every operation, and a name it does not know as none', () => {
    expect(expandOperations(undefined).size).toBe(OPERATIONS.length);
    expect(expandOperations([]).size).toBe(OPERATIONS.length);
    expect(expandOperations(['*']).size).toBe(OPERATIONS.length);
    expect(expandOperations(['secretget', 'Nope*']).size).toBe(0);
  });
});

describe('FaultMatcher', () => {
  it('matches nothing without rules, and gives undefined (not an empty list) when nothing matches', () => {
    expect(compile([])).toBe(FaultMatcher.EMPTY);
    expect(FaultMatcher.EMPTY.match(request)).toBeUndefined();
    expect(compile([rule({ operations: ['KeyGet'] })]).match(request)).toBeUndefined();
  });

  it('matches on every field given, and keeps the rules oldest first', () => {
    const all = rule(undefined);
    const vault = rule({ vaults: ['MAIN'] });
    const otherVault = rule({ vaults: ['other'] });
    const principal = rule({ principals: ['app'] });
    const otherPrincipal = rule({ principals: ['officer'] });
    const method = rule({ methods: ['get'] });
    const otherMethod = rule({ methods: ['PUT'] });
    const here = rule({ regions: ['westeurope'] });
    const elsewhere = rule({ regions: ['northeurope'] });
    const matcher = compile([
      all,
      vault,
      otherVault,
      principal,
      otherPrincipal,
      method,
      otherMethod,
      here,
      elsewhere,
    ]);
    expect(ids(matcher.match(request))).toEqual([all.id, vault.id, principal.id, method.id, here.id]);
    // Rules of other regions are not this region's at all.
    expect(matcher.rules).not.toContain(elsewhere);
  });

  it('does not match a vault rule when the request names no vault', () => {
    const matcher = compile([rule({ vaults: ['main'] })]);
    expect(matcher.match({ ...request, operation: 'VaultList', vault: undefined })).toBeUndefined();
  });

  it('leaves out a rule it cannot apply, reports it, and keeps the others', () => {
    const invalid: InvalidFaultRuleError[] = [];
    const bad = rule(undefined, { action: { type: 'explode' } as unknown as FaultRule['action'] });
    const negative = rule(undefined, { action: { type: 'delay', ms: -1 } });
    const good = rule(undefined);
    const matcher = compile([bad, negative, good], invalid);
    expect(ids(matcher.match(request))).toEqual([good.id]);
    expect(invalid.map((e) => [e.code, e.ruleId])).toEqual([
      ['InvalidFaultRule', bad.id],
      ['InvalidFaultRule', negative.id],
    ]);
  });
});

describe('jitter', () => {
  it('is drawn from the seed and the match number: the same pair gives the same delay, within 0..jitterMs', () => {
    const seeded = rule(undefined, { schedule: { seed: 7 } });
    const draws = Array.from({ length: 200 }, (_, i) => jitter(seeded, 100, i + 1));
    expect(Array.from({ length: 200 }, (_, i) => jitter(seeded, 100, i + 1))).toEqual(draws);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThanOrEqual(100);
    expect(new Set(draws).size).toBeGreaterThan(50);
    const other = rule(undefined, { schedule: { seed: 8 } });
    expect(Array.from({ length: 200 }, (_, i) => jitter(other, 100, i + 1))).not.toEqual(draws);
    expect(jitter(seeded, undefined, 1)).toBe(0);
  });
});
