import { z } from 'zod';

/** Largest secret value the real service accepts: 25 KB. */
export const MAX_SECRET_VALUE_BYTES = 25 * 1024;
export const MAX_CONTENT_TYPE_LENGTH = 255;
export const MAX_TAGS = 15;
export const MAX_TAG_LENGTH = 256;

// The SDKs send absent optionals as missing or null; both mean "not given".
const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);
const intDate = optional(z.number().int('must be an integer (seconds since the epoch)').nonnegative());

const tags = optional(
  z
    .record(
      z.string().max(MAX_TAG_LENGTH, `names must be at most ${MAX_TAG_LENGTH} characters`),
      z.string().max(MAX_TAG_LENGTH, `values must be at most ${MAX_TAG_LENGTH} characters`),
    )
    .refine((t) => Object.keys(t).length <= MAX_TAGS, `must have at most ${MAX_TAGS} tags`),
);

const attributes = optional(
  z.object({
    enabled: optional(z.boolean()),
    nbf: intDate,
    exp: intDate,
  }),
);

const contentType = optional(
  z.string().max(MAX_CONTENT_TYPE_LENGTH, `must be at most ${MAX_CONTENT_TYPE_LENGTH} characters`),
);

/** Body of `PUT /secrets/{name}`. */
export const secretSetInput = z.object({
  value: z
    .string({ error: 'is required and must be a string' })
    .refine(
      (v) => Buffer.byteLength(v) <= MAX_SECRET_VALUE_BYTES,
      `must be at most ${MAX_SECRET_VALUE_BYTES} bytes (25 KB)`,
    ),
  contentType,
  tags,
  attributes,
});
export type SecretSetInput = z.infer<typeof secretSetInput>;

/** Body of `PATCH /secrets/{name}/{version}`. */
export const secretUpdateInput = z.object({ contentType, tags, attributes });
export type SecretUpdateInput = z.infer<typeof secretUpdateInput>;

/** Body of `POST /secrets/restore`. */
export const restoreInput = z.object({
  value: z
    .string({ error: 'is required: the backup blob, base64url' })
    .regex(/^[A-Za-z0-9_-]*$/, 'must be base64url'),
});
