import type { OperationName } from '@vaultover/vault';
import {
  keyOperationLimits,
  MAX_WEIGHTED_BUDGET,
  type ThrottleLimits,
  weightedBudget,
} from './throttle-settings.ts';

/**
 * The budgets a vault's data-plane requests are counted against, each on its own window: secret
 * creations, other vault transactions (secrets, certificates), key creations, key operations.
 */
export const THROTTLE_CLASSES = ['secret-create', 'vault-other', 'key-create', 'key-ops'] as const;
export type ThrottleClass = (typeof THROTTLE_CLASSES)[number];

/** Key creations: what the real service's limits call CREATE key. */
const KEY_CREATES = new Set<OperationName>(['KeyCreate', 'KeyImport', 'KeyRotate']);

/**
 * The class of a catalogue operation; undefined for the management plane (vaults as resources), which
 * Azure Resource Manager throttles by its own limits, not modelled. `SecretSet` is a secret creation;
 * `Key*` operations and `RandomBytesGet` (an HSM operation of the key side) are key creations or key
 * operations; every other secret and certificate operation is a vault transaction.
 */
export function throttleClassOf(name: OperationName): ThrottleClass | undefined {
  if (name === 'SecretSet') return 'secret-create';
  if (KEY_CREATES.has(name)) return 'key-create';
  if (name.startsWith('Key') || name === 'RandomBytesGet') return 'key-ops';
  if (name.startsWith('Secret') || name.startsWith('Certificate')) return 'vault-other';
  return undefined;
}

/**
 * How one class counts: `budget` units per window, `weight` units for a request without a key to weigh
 * by (or whose key is missing), `hsmWeight` for a key creation the body says is HSM, and `table` the
 * weight by the stored key's type: software RSA 2048, 3072, 4096, EC, then the same for HSM.
 */
export interface ClassPlan {
  readonly budget: number;
  readonly weight: number;
  readonly hsmWeight: number;
  readonly table: readonly number[];
}

/**
 * The budget and weights of every class under `limits`. Unweighted classes cost 1 against their limit.
 * A weighted class's budget is the least common multiple of its limits, and a request costs budget /
 * the limit of its key's type, so that the limits hold each alone and are enforced on their sum, as
 * the real service does (4096-bit HSM operations cost 8 times 2048-bit ones).
 */
export function throttlePlan(limits: ThrottleLimits): Record<ThrottleClass, ClassPlan> {
  const unweighted = (budget: number): ClassPlan => ({ budget, weight: 1, hsmWeight: 1, table: [] });
  const opLimits = keyOperationLimits(limits);
  const opsBudget = checkedBudget(opLimits);
  const ops = opLimits.map((limit) => opsBudget / limit);
  const createBudget = checkedBudget([limits.keyCreateSoftware, limits.keyCreateHsm]);
  const software = createBudget / limits.keyCreateSoftware;
  const hsm = createBudget / limits.keyCreateHsm;
  return {
    'secret-create': unweighted(limits.secretCreate),
    'vault-other': unweighted(limits.vaultOther),
    'key-create': {
      budget: createBudget,
      weight: software,
      hsmWeight: hsm,
      table: [software, software, software, software, hsm, hsm, hsm, hsm],
    },
    // Without a key (KeyList, KeyRestore, RandomBytesGet…): as a software RSA 2048 operation.
    'key-ops': { budget: opsBudget, weight: ops[0] ?? 1, hsmWeight: ops[4] ?? 1, table: ops },
  };
}

function checkedBudget(limits: readonly number[]): number {
  for (const limit of limits) {
    if (!Number.isSafeInteger(limit) || limit <= 0)
      throw new RangeError(`a throttling limit must be a positive integer, got ${limit}`);
  }
  const budget = weightedBudget(limits);
  if (!Number.isFinite(budget))
    throw new RangeError(
      `the throttling limits ${limits.join(', ')} have no common multiple up to ${MAX_WEIGHTED_BUDGET}: use rounder numbers`,
    );
  return budget;
}
