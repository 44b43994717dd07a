import { z } from 'zod';
import { VAULT_SKUS, type VaultSku } from './vault-doc.ts';
import {
  badVaultProperty,
  invalidRequestContent,
  locationRequired,
  purgeProtectionIrreversible,
  softDeleteIrreversible,
} from './vault-errors.ts';

/** ARM's tag limits: 50 tags, names up to 512 characters, values up to 256. */
const MAX_TAGS = 50;
const TAGS = z
  .record(z.string().min(1).max(512), z.string().max(256))
  .refine((tags) => Object.keys(tags).length <= MAX_TAGS, `must have at most ${MAX_TAGS} tags`);

// What a request body may hold. Clients send absent optionals as missing or null; both mean "not given".
// Fields of the real API that Vaultover does not model (access policies, network rules…) are ignored.
const nullish = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

const propertiesSchema = z.object({
  tenantId: nullish(z.string()),
  sku: nullish(z.object({ family: nullish(z.string()), name: z.string() })),
  enableSoftDelete: nullish(z.boolean()),
  softDeleteRetentionInDays: nullish(z.number()),
  enablePurgeProtection: nullish(z.boolean()),
  enableRbacAuthorization: nullish(z.boolean()),
  createMode: nullish(z.string()),
});

const bodySchema = z.object({
  location: nullish(z.string()),
  tags: nullish(TAGS),
  properties: nullish(propertiesSchema),
});

/** A create-or-update (PUT) or update (PATCH) request, checked field by field. */
export interface VaultInput {
  /** Normalised: lower case, without spaces ("West Europe" → "westeurope"), as ARM compares locations. */
  location: string | undefined;
  tags: Record<string, string> | undefined;
  tenantId: string | undefined;
  sku: VaultSku | undefined;
  retentionDays: number | undefined;
  purgeProtection: true | undefined;
  rbacAuthorization: boolean | undefined;
  createMode: 'default' | 'recover';
}

/** Parses a PUT/PATCH body; every refusal is a 400 with the code the real service uses. Nothing is written. */
export function parseVaultInput(body: unknown): VaultInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequestContent('the body must be a JSON object with "location" and "properties"');
  }
  const parsed = bodySchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalidRequestContent(`${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'is not valid'}`);
  }
  const { location, tags } = parsed.data;
  const properties: Partial<z.infer<typeof propertiesSchema>> = parsed.data.properties ?? {};
  if (properties.enableSoftDelete === false) throw softDeleteIrreversible();
  if (properties.enablePurgeProtection === false) throw purgeProtectionIrreversible();
  return {
    location: location?.replace(/\s+/g, '').toLowerCase(),
    tags,
    tenantId: properties.tenantId,
    sku: properties.sku ? skuOf(properties.sku) : undefined,
    retentionDays: retentionOf(properties.softDeleteRetentionInDays),
    purgeProtection: properties.enablePurgeProtection === true ? true : undefined,
    rbacAuthorization: properties.enableRbacAuthorization,
    createMode: createModeOf(properties.createMode),
  };
}

/** The location a PUT must carry. */
export function requireLocation(input: VaultInput): string {
  if (!input.location) throw locationRequired();
  return input.location;
}

function skuOf(sku: { family?: string | undefined; name: string }): VaultSku {
  if (sku.family !== undefined && sku.family !== 'A') {
    throw badVaultProperty(
      `The SKU family '${sku.family.slice(0, 40)}' is not valid. The only family is 'A'.`,
    );
  }
  const name = sku.name.toLowerCase();
  if (!(VAULT_SKUS as readonly string[]).includes(name)) {
    throw badVaultProperty(
      `The SKU name '${sku.name.slice(0, 40)}' is not valid. Valid names are 'standard' and 'premium'.`,
    );
  }
  return name as VaultSku;
}

function retentionOf(days: number | undefined): number | undefined {
  if (days === undefined) return undefined;
  if (!Number.isInteger(days) || days < 7 || days > 90) {
    throw badVaultProperty(
      `The property "softDeleteRetentionInDays" must be a whole number of days from 7 to 90, got ${days}.`,
    );
  }
  return days;
}

function createModeOf(mode: string | undefined): 'default' | 'recover' {
  const normalised = (mode ?? 'default').toLowerCase();
  if (normalised === 'default' || normalised === 'recover') return normalised;
  throw badVaultProperty(
    `The property "createMode" must be 'default' or 'recover', got '${String(mode).slice(0, 40)}'.`,
  );
}

/**
 * The `createMode` of a PUT body, read leniently ("default" for anything that is not clearly "recover"):
 * the region picks the operation to authorize (VaultPut or VaultRecover) from it before the body is
 * checked; a malformed body then fails in `parseVaultInput` with its 400.
 */
export function vaultCreateMode(body: unknown): 'default' | 'recover' {
  const properties = (body as { properties?: { createMode?: unknown } } | null)?.properties;
  const mode = typeof properties === 'object' && properties !== null ? properties.createMode : undefined;
  return typeof mode === 'string' && mode.toLowerCase() === 'recover' ? 'recover' : 'default';
}
