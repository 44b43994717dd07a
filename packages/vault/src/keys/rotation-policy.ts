import { z } from 'zod';
import { BadParameterError } from '../errors.ts';
import { optional } from '../object-input.ts';

// A key's rotation policy: stored as the `rotation-policy` attachment of the key object, so it is
// one mutation (and one change entry) to set, survives new versions, and travels in backups.

export const ROTATION_POLICY_SLOT = 'rotation-policy';

export type LifetimeActionType = 'Rotate' | 'Notify';

export interface LifetimeAction {
  trigger: { timeAfterCreate?: string; timeBeforeExpiry?: string };
  action: { type: LifetimeActionType };
}

export interface RotationPolicy {
  lifetimeActions: LifetimeAction[];
  /** ISO 8601 duration of new versions' validity, e.g. `P90D`. */
  expiryTime?: string | undefined;
  /** IntDate; absent on the default policy, which was never set. */
  created?: number | undefined;
  updated?: number | undefined;
}

/** What a key without a policy reports: notify 30 days before expiry (the real service's default). */
export const DEFAULT_ROTATION_POLICY: RotationPolicy = {
  lifetimeActions: [{ trigger: { timeBeforeExpiry: 'P30D' }, action: { type: 'Notify' } }],
};

const DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;
const duration = optional(z.string().regex(DURATION, 'must be an ISO 8601 duration such as P90D'));
const MIN_EXPIRY_DAYS = 28;

/** Body of `PUT /keys/{name}/rotationpolicy`. */
export const rotationPolicyInput = z.object({
  id: optional(z.string()),
  lifetimeActions: optional(
    z.array(
      z.object({
        trigger: z.object({ timeAfterCreate: duration, timeBeforeExpiry: duration }),
        action: z.object({ type: z.string({ error: 'is required: Rotate or Notify' }) }),
      }),
    ),
  ),
  attributes: optional(z.object({ expiryTime: duration })),
});
export type RotationPolicyInput = z.infer<typeof rotationPolicyInput>;

/** Checks the rules between fields and returns the policy to store (created kept from `previous`). */
export function rotationPolicyFrom(
  input: RotationPolicyInput,
  now: number,
  previous: RotationPolicy | undefined,
): RotationPolicy {
  const lifetimeActions: LifetimeAction[] = (input.lifetimeActions ?? []).map((entry, i) =>
    lifetimeAction(entry, i),
  );
  for (const type of ['Rotate', 'Notify'] as const) {
    if (lifetimeActions.filter((a) => a.action.type === type).length > 1) {
      throw new BadParameterError(`Invalid lifetimeActions: at most one ${type} action is allowed.`);
    }
  }
  // A policy set without a Notify action keeps the default one after the actions given: the real
  // service's recorded answers add it (Rotate only in, Rotate and `Notify P30D before expiry` out).
  if (!lifetimeActions.some((a) => a.action.type === 'Notify')) {
    lifetimeActions.push(...structuredClone(DEFAULT_ROTATION_POLICY.lifetimeActions));
  }
  const expiryTime = input.attributes?.expiryTime;
  if (expiryTime !== undefined && approximateDays(expiryTime) < MIN_EXPIRY_DAYS) {
    throw new BadParameterError(
      `Invalid attributes.expiryTime: '${expiryTime}' is shorter than the minimum of ${MIN_EXPIRY_DAYS} days.`,
    );
  }
  return { lifetimeActions, expiryTime, created: previous?.created ?? now, updated: now };
}

function lifetimeAction(entry: NonNullable<RotationPolicyInput['lifetimeActions']>[number], index: number) {
  const where = `lifetimeActions.${index}`;
  const type = normalizedType(entry.action.type, where);
  const { timeAfterCreate, timeBeforeExpiry } = entry.trigger;
  if ((timeAfterCreate === undefined) === (timeBeforeExpiry === undefined)) {
    throw new BadParameterError(
      `Invalid ${where}.trigger: give exactly one of timeAfterCreate and timeBeforeExpiry.`,
    );
  }
  if (type === 'Notify' && timeBeforeExpiry === undefined) {
    throw new BadParameterError(`Invalid ${where}.trigger: a Notify action needs timeBeforeExpiry.`);
  }
  const trigger =
    timeAfterCreate !== undefined ? { timeAfterCreate } : { timeBeforeExpiry: timeBeforeExpiry ?? '' };
  return { trigger, action: { type } } satisfies LifetimeAction;
}

function normalizedType(type: string, where: string): LifetimeActionType {
  const lower = type.toLowerCase();
  if (lower === 'rotate') return 'Rotate';
  if (lower === 'notify') return 'Notify';
  throw new BadParameterError(`Invalid ${where}.action.type: '${type.slice(0, 40)}'; use Rotate or Notify.`);
}

/** Days in an ISO 8601 duration, counting a year as 365 days and a month as 30. */
export function approximateDays(iso: string): number {
  const match = DURATION.exec(iso);
  if (!match) return 0;
  const n = (part: string | undefined) => (part ? Number.parseInt(part, 10) : 0);
  const [, y, mo, w, d, , h, mi, s] = match;
  return n(y) * 365 + n(mo) * 30 + n(w) * 7 + n(d) + n(h) / 24 + n(mi) / 1440 + n(s) / 86_400;
}
