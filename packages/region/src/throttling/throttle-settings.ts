/**
 * Throttling settings of a region node and the real service's limits (docs/chaos.md#throttling). No
 * imports: the CLI's config validates against this file through `@vaultover/region/settings` without
 * loading the node (express, ioredis).
 */

/** `off`: no throttling (other emulators' way); `real`: the real service's limits; `custom`: the user's. */
export const THROTTLING_MODES = ['off', 'real', 'custom'] as const;
export type ThrottlingMode = (typeof THROTTLING_MODES)[number];

/** Every limit counts over this sliding window, as the real service's: 10 seconds. */
export const THROTTLE_WINDOW_MS = 10_000;

/** Operations allowed per window on one key type, by RSA size or EC (every curve). */
export interface KeyOperationLimits {
  readonly rsa2048: number;
  readonly rsa3072: number;
  readonly rsa4096: number;
  readonly ec: number;
}

/** Requests allowed per vault, per region, per window, by class (docs/chaos.md#throttling). */
export interface ThrottleLimits {
  /** `SecretSet`. */
  readonly secretCreate: number;
  /** Every other secret operation, every certificate operation. */
  readonly vaultOther: number;
  /** `KeyCreate`, `KeyImport`, `KeyRotate` of a software key (`RSA`, `EC`). */
  readonly keyCreateSoftware: number;
  /** The same of an HSM key (`RSA-HSM`, `EC-HSM`); shares one budget with the software ones. */
  readonly keyCreateHsm: number;
  /** Every other key operation on a software key; all key types share one budget. */
  readonly keyOpsSoftware: KeyOperationLimits;
  /** The same on an HSM key. */
  readonly keyOpsHsm: KeyOperationLimits;
}

/** Custom limits: the ones given replace the real service's, the others keep their real value. */
export interface CustomThrottleLimits {
  readonly secretCreate?: number | undefined;
  readonly vaultOther?: number | undefined;
  readonly keyCreateSoftware?: number | undefined;
  readonly keyCreateHsm?: number | undefined;
  readonly keyOpsSoftware?: Partial<KeyOperationLimits> | undefined;
  readonly keyOpsHsm?: Partial<KeyOperationLimits> | undefined;
}

/** RegionNodeOptions.throttling. */
export interface ThrottlingSettings {
  readonly mode: ThrottlingMode;
  /** A refusal carries `Retry-After: <this>`; absent (default): no Retry-After, as the real service's 429s. */
  readonly retryAfterSeconds?: number | undefined;
  /** With `custom` only. */
  readonly limits?: CustomThrottleLimits | undefined;
}

/**
 * Azure Key Vault's published service limits for one vault in one region over 10 seconds: 300 secret
 * creations and 4,000 other vault transactions; key creations 20 (software) or 10 (HSM); other key
 * operations by key type, from 4,000 (software RSA 2048 and EC) down to 250 (HSM RSA 4096).
 */
export const REAL_LIMITS: ThrottleLimits = {
  secretCreate: 300,
  vaultOther: 4000,
  keyCreateSoftware: 20,
  keyCreateHsm: 10,
  keyOpsSoftware: { rsa2048: 4000, rsa3072: 1000, rsa4096: 500, ec: 4000 },
  keyOpsHsm: { rsa2048: 2000, rsa3072: 500, rsa4096: 250, ec: 2000 },
};

/** The limits a region enforces under `settings`; undefined when it does not throttle (`off`). */
export function effectiveLimits(settings: ThrottlingSettings | undefined): ThrottleLimits | undefined {
  if (!settings || settings.mode === 'off') return undefined;
  if (settings.mode === 'real') return REAL_LIMITS;
  const custom = settings.limits ?? {};
  return {
    secretCreate: custom.secretCreate ?? REAL_LIMITS.secretCreate,
    vaultOther: custom.vaultOther ?? REAL_LIMITS.vaultOther,
    keyCreateSoftware: custom.keyCreateSoftware ?? REAL_LIMITS.keyCreateSoftware,
    keyCreateHsm: custom.keyCreateHsm ?? REAL_LIMITS.keyCreateHsm,
    keyOpsSoftware: { ...REAL_LIMITS.keyOpsSoftware, ...defined(custom.keyOpsSoftware) },
    keyOpsHsm: { ...REAL_LIMITS.keyOpsHsm, ...defined(custom.keyOpsHsm) },
  };
}

/**
 * Largest budget of a weighted class. Weights are whole numbers (budget / limit), summed in Redis and in
 * Lua, whose numbers are exact integers up to 2^53 and print without an exponent up to 10^14.
 */
export const MAX_WEIGHTED_BUDGET = 1e12;

/**
 * The budget of a class whose limits differ by key type: their least common multiple, so that each type's
 * weight (budget / its limit) is a whole number and `limit` requests of one type fill the budget exactly.
 * The real key-operation limits give 4,000 (software RSA 4096 weighs 8, HSM RSA 2048 weighs 2); the real
 * key-creation limits give 20 (an HSM creation weighs 2). Above MAX_WEIGHTED_BUDGET, Infinity.
 */
export function weightedBudget(limits: readonly number[]): number {
  let budget = 1;
  for (const limit of limits) {
    budget = (budget / greatestCommonDivisor(budget, limit)) * limit;
    if (budget > MAX_WEIGHTED_BUDGET) return Number.POSITIVE_INFINITY;
  }
  return budget;
}

/** The limits of the key-operation class, software then HSM, each RSA 2048, 3072, 4096, EC. */
export function keyOperationLimits(limits: ThrottleLimits): number[] {
  const row = (l: KeyOperationLimits) => [l.rsa2048, l.rsa3072, l.rsa4096, l.ec];
  return [...row(limits.keyOpsSoftware), ...row(limits.keyOpsHsm)];
}

function greatestCommonDivisor(a: number, b: number): number {
  let [x, y] = [a, b];
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

function defined<T extends object>(partial: T | undefined): Partial<T> {
  if (!partial) return {};
  return Object.fromEntries(Object.entries(partial).filter(([, value]) => value !== undefined)) as Partial<T>;
}
