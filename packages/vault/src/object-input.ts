import { z } from 'zod';

// Input pieces every object kind shares (secrets, keys, certificates), with the real service's limits.

export const MAX_TAGS = 15;
export const MAX_TAG_LENGTH = 256;

/** The SDKs send absent optionals as missing or null; both mean "not given". */
export const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

/** IntDate: integer seconds since the epoch. */
export const intDate = optional(z.number().int('must be an integer (seconds since the epoch)').nonnegative());

export const tags = optional(
  z
    .record(
      z.string().max(MAX_TAG_LENGTH, `names must be at most ${MAX_TAG_LENGTH} characters`),
      z.string().max(MAX_TAG_LENGTH, `values must be at most ${MAX_TAG_LENGTH} characters`),
    )
    .refine((t) => Object.keys(t).length <= MAX_TAGS, `must have at most ${MAX_TAGS} tags`),
);

/** Body of `POST /{kind}s/restore`. */
export const restoreInput = z.object({
  value: z
    .string({ error: 'is required: the backup blob, base64url' })
    .regex(/^[A-Za-z0-9_-]*$/, 'must be base64url'),
});

/** The attributes every object kind accepts in a create or update body. */
export interface AttributesPatch {
  enabled?: boolean | undefined;
  nbf?: number | undefined;
  exp?: number | undefined;
}

/** The attributes of a new version: given fields, enabled unless said otherwise, created and updated `now`. */
export function newAttributes(given: AttributesPatch | undefined, now: number) {
  return { enabled: given?.enabled ?? true, nbf: given?.nbf, exp: given?.exp, created: now, updated: now };
}

/** Attributes after an update: given fields replace, absent ones stay, `updated` moves to `now`. */
export function patchAttributes<
  A extends { enabled: boolean; nbf?: number | undefined; exp?: number | undefined },
>(current: A, patch: AttributesPatch | undefined, now: number): A & { updated: number } {
  return {
    ...current,
    enabled: patch?.enabled ?? current.enabled,
    nbf: patch?.nbf ?? current.nbf,
    exp: patch?.exp ?? current.exp,
    updated: now,
  };
}
