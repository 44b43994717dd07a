import { OPERATIONS, type OperationName } from '@vaultover/vault';
import { describe, expect, it } from 'vitest';
import { type ThrottleClass, throttleClassOf, throttlePlan } from './throttle-plan.ts';
import { effectiveLimits, REAL_LIMITS, weightedBudget } from './throttle-settings.ts';

describe('throttleClassOf', () => {
  it('puts every data-plane operation of the catalogue in a class, and no management operation', () => {
    const byClass: Record<string, OperationName[]> = {};
    for (const { name } of OPERATIONS) {
      const cls = throttleClassOf(name) ?? 'none';
      byClass[cls] = [...(byClass[cls] ?? []), name];
    }
    expect(byClass['secret-create']).toEqual(['SecretSet']);
    expect(byClass['key-create']).toEqual(['KeyCreate', 'KeyImport', 'KeyRotate']);
    expect(byClass['key-ops']).toEqual(
      OPERATIONS.map((o) => o.name).filter(
        (n) =>
          (n.startsWith('Key') && !['KeyCreate', 'KeyImport', 'KeyRotate'].includes(n)) ||
          n === 'RandomBytesGet',
      ),
    );
    expect(byClass['vault-other']).toEqual(
      OPERATIONS.map((o) => o.name).filter(
        (n) => (n.startsWith('Secret') && n !== 'SecretSet') || n.startsWith('Certificate'),
      ),
    );
    expect(byClass.none).toEqual(OPERATIONS.filter((o) => o.plane === 'management').map((o) => o.name));
  });
});

describe('throttlePlan', () => {
  it('weighs the real key operations on a budget of 4,000 and key creations on 20', () => {
    const plan = throttlePlan(REAL_LIMITS);
    expect(plan['key-ops']).toEqual({
      budget: 4000,
      weight: 1,
      hsmWeight: 2,
      // software RSA 2048, 3072, 4096, EC; HSM the same
      table: [1, 4, 8, 1, 2, 8, 16, 2],
    });
    expect(plan['key-create']).toEqual({
      budget: 20,
      weight: 1,
      hsmWeight: 2,
      table: [1, 1, 1, 1, 2, 2, 2, 2],
    });
    const unweighted = (budget: number) => ({ budget, weight: 1, hsmWeight: 1, table: [] });
    expect(plan['secret-create']).toEqual(unweighted(300));
    expect(plan['vault-other']).toEqual(unweighted(4000));
  });

  it('gives each custom limit a whole weight: budget the least common multiple, so each limit holds alone', () => {
    const limits = effectiveLimits({
      mode: 'custom',
      limits: {
        keyCreateSoftware: 3,
        keyCreateHsm: 2,
        keyOpsSoftware: { rsa2048: 16, rsa3072: 4, rsa4096: 2, ec: 16 },
        keyOpsHsm: { rsa2048: 8, rsa3072: 2, rsa4096: 1, ec: 8 },
      },
    });
    if (!limits) throw new Error('custom limits expected');
    const plan = throttlePlan(limits);
    expect(plan['key-ops'].budget).toBe(16);
    expect(plan['key-ops'].table).toEqual([1, 4, 8, 1, 2, 8, 16, 2]);
    expect(plan['key-create']).toMatchObject({ budget: 6, weight: 2, hsmWeight: 3 });
    const perType = (index: number) => plan['key-ops'].budget / (plan['key-ops'].table[index] as number);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(perType)).toEqual([16, 4, 2, 16, 8, 2, 1, 8]);
  });

  it('refuses limits with no common multiple small enough to count exactly', () => {
    const primes = [999_983, 999_979, 999_961, 999_959];
    expect(weightedBudget(primes)).toBe(Number.POSITIVE_INFINITY);
    const limits = effectiveLimits({
      mode: 'custom',
      limits: { keyOpsSoftware: { rsa2048: 999_983, rsa3072: 999_979, rsa4096: 999_961, ec: 999_959 } },
    });
    if (!limits) throw new Error('custom limits expected');
    expect(() => throttlePlan(limits)).toThrow(/no common multiple up to 1000000000000/);
  });
});

describe('effectiveLimits', () => {
  it('is nothing when off, the real limits when real, and custom ones over the real ones', () => {
    expect(effectiveLimits(undefined)).toBeUndefined();
    expect(effectiveLimits({ mode: 'off' })).toBeUndefined();
    expect(effectiveLimits({ mode: 'real' })).toBe(REAL_LIMITS);
    expect(effectiveLimits({ mode: 'custom' })).toEqual(REAL_LIMITS);
    expect(
      effectiveLimits({ mode: 'custom', limits: { secretCreate: 5, keyOpsHsm: { rsa4096: 10 } } }),
    ).toEqual({
      ...REAL_LIMITS,
      secretCreate: 5,
      keyOpsHsm: { ...REAL_LIMITS.keyOpsHsm, rsa4096: 10 },
    });
  });

  it('classes are the four the docs name', () => {
    const classes: ThrottleClass[] = ['secret-create', 'vault-other', 'key-create', 'key-ops'];
    expect(Object.keys(throttlePlan(REAL_LIMITS)).sort()).toEqual([...classes].sort());
  });
});
