import { isIP } from 'node:net';
import { BadParameterError } from '../errors.ts';
import { requireCurve, requireKeyType } from '../keys/key-rules.ts';
import { type CurveName, DEFAULT_RSA_KEY_SIZE, type KeyType, RSA_KEY_SIZES } from '../keys/key-types.ts';
import { parseSubject } from './subject-name.ts';

// The values a vault accepts in a certificate policy, each with the field it belongs to in its error,
// and the defaults the real service fills in.

export const CONTENT_TYPES = ['application/x-pkcs12', 'application/x-pem-file'] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];
export const PKCS12_CONTENT_TYPE: ContentType = 'application/x-pkcs12';
export const PEM_CONTENT_TYPE: ContentType = 'application/x-pem-file';

export const KEY_USAGES = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsage = (typeof KEY_USAGES)[number];

export interface SubjectAlternativeNames {
  emails?: string[];
  dns_names?: string[];
  upns?: string[];
  uris?: string[];
  ipAddresses?: string[];
}

export interface LifetimeAction {
  trigger: { lifetime_percentage?: number; days_before_expiry?: number };
  action: { action_type: 'EmailContacts' | 'AutoRenew' };
}

export const SELF_ISSUER = 'Self';
export const UNKNOWN_ISSUER = 'Unknown';
const MAX_SUBJECT_LENGTH = 200;
const MAX_VALIDITY_MONTHS = 1200;
const CURVE_BITS: Record<CurveName, number> = { 'P-256': 256, 'P-384': 384, 'P-521': 521, 'P-256K': 256 };

const bad = (field: string, why: string) => new BadParameterError(`Invalid policy: '${field}' ${why}.`);

export function requireKeyProps(props: {
  exportable?: boolean;
  kty?: string;
  key_size?: number;
  crv?: string;
  reuse_key?: boolean;
}): { exportable: boolean; kty: KeyType; key_size?: number; crv?: CurveName; reuse_key: boolean } {
  const kty = requireKeyType(props.kty ?? 'RSA', 'policy.key_props.kty');
  const hsm = kty.endsWith('-HSM');
  const exportable = props.exportable ?? !hsm;
  if (hsm && exportable)
    throw bad('key_props.exportable', 'must be false for HSM keys (their private key never leaves)');
  const reuse_key = props.reuse_key ?? false;
  if (kty.startsWith('RSA')) {
    const size = props.key_size ?? DEFAULT_RSA_KEY_SIZE;
    if (!(RSA_KEY_SIZES as readonly number[]).includes(size))
      throw bad(
        'key_props.key_size',
        `${size} is not an RSA key size a vault offers (${RSA_KEY_SIZES.join(', ')})`,
      );
    return { exportable, kty, key_size: size, reuse_key };
  }
  const crv = requireCurve(props.crv, 'policy.key_props.crv');
  if (crv === 'P-256K')
    throw bad(
      'key_props.crv',
      'P-256K is not offered for certificates by this emulator; use P-256, P-384 or P-521',
    );
  if (props.key_size !== undefined && props.key_size !== CURVE_BITS[crv])
    throw bad(
      'key_props.key_size',
      `${props.key_size} does not match curve ${crv} (${CURVE_BITS[crv]} bits)`,
    );
  return { exportable, kty, key_size: CURVE_BITS[crv], crv, reuse_key };
}

export function requireContentType(contentType: string | undefined): ContentType {
  const value = contentType ?? 'application/x-pkcs12';
  if ((CONTENT_TYPES as readonly string[]).includes(value)) return value as ContentType;
  throw bad('secret_props.contentType', `'${value.slice(0, 60)}' is not one of ${CONTENT_TYPES.join(', ')}`);
}

/** The subject as given, once it parses as a distinguished name; optional only when there are SANs. */
export function requireSubject(subject: string | undefined, hasSans: boolean): string {
  const value = subject?.trim() ?? '';
  if (value === '') {
    if (hasSans) return '';
    throw bad('x509_props.subject', 'is required (or give subject alternative names)');
  }
  if (value.length > MAX_SUBJECT_LENGTH)
    throw bad('x509_props.subject', `must be at most ${MAX_SUBJECT_LENGTH} characters`);
  parseSubject(value);
  return value;
}

const DNS_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;
const MAILBOX = /^[^@\s]+@[^@\s]+$/;

/** Checked SANs without empty lists; undefined when none is left. */
export function requireSans(sans: Partial<Record<keyof SubjectAlternativeNames, string[]>> | undefined) {
  const checks: Record<keyof SubjectAlternativeNames, (v: string) => boolean> = {
    dns_names: (v) => v.length <= 253 && DNS_NAME.test(v),
    emails: (v) => MAILBOX.test(v),
    upns: (v) => MAILBOX.test(v),
    uris: (v) => URL.canParse(v),
    ipAddresses: (v) => isIP(v) !== 0,
  };
  const out: SubjectAlternativeNames = {};
  for (const [field, check] of Object.entries(checks) as [
    keyof SubjectAlternativeNames,
    (v: string) => boolean,
  ][]) {
    const values = sans?.[field];
    if (!values || values.length === 0) continue;
    const wrong = values.find((v) => !check(v));
    if (wrong !== undefined)
      throw bad(`x509_props.sans.${field}`, `has an invalid entry '${wrong.slice(0, 80)}'`);
    out[field] = [...values];
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

const OID = /^[0-2](\.(0|[1-9]\d*))+$/;

export function requireEkus(ekus: string[]): string[] {
  const wrong = ekus.find((eku) => !OID.test(eku));
  if (wrong !== undefined)
    throw bad('x509_props.ekus', `has '${wrong.slice(0, 60)}', which is not an object identifier`);
  return [...new Set(ekus)];
}

export function requireKeyUsages(usages: string[]): KeyUsage[] {
  const wrong = usages.find((u) => !(KEY_USAGES as readonly string[]).includes(u));
  if (wrong !== undefined)
    throw bad('x509_props.key_usage', `has '${wrong.slice(0, 40)}'; use ${KEY_USAGES.join(', ')}`);
  return [...new Set(usages)] as KeyUsage[];
}

export function requireValidityMonths(months: number | undefined): number {
  const value = months ?? 12;
  if (value < 1 || value > MAX_VALIDITY_MONTHS)
    throw bad('x509_props.validity_months', `must be from 1 to ${MAX_VALIDITY_MONTHS}, got ${value}`);
  return value;
}

type ActionInput = {
  trigger?: { lifetime_percentage?: number | undefined; days_before_expiry?: number | undefined } | undefined;
  action?: { action_type?: string | undefined } | undefined;
};

/** As asked, else as before, else the service's default: renew at 80 % of the lifetime. */
export function requireLifetimeActions(
  input: ActionInput[] | undefined,
  base: LifetimeAction[] | undefined,
): LifetimeAction[] {
  if (!input) return base ?? [{ trigger: { lifetime_percentage: 80 }, action: { action_type: 'AutoRenew' } }];
  return input.map((entry, i) => {
    const where = `lifetime_actions.${i}`;
    const type = entry.action?.action_type?.toLowerCase();
    const action_type =
      type === 'autorenew' ? 'AutoRenew' : type === 'emailcontacts' ? 'EmailContacts' : undefined;
    if (!action_type) throw bad(`${where}.action.action_type`, 'must be AutoRenew or EmailContacts');
    const { lifetime_percentage: percentage, days_before_expiry: days } = entry.trigger ?? {};
    if ((percentage === undefined) === (days === undefined))
      throw bad(`${where}.trigger`, 'must give exactly one of lifetime_percentage and days_before_expiry');
    if (percentage !== undefined && (percentage < 1 || percentage > 99))
      throw bad(`${where}.trigger.lifetime_percentage`, 'must be from 1 to 99');
    if (days !== undefined && days < 1)
      throw bad(`${where}.trigger.days_before_expiry`, 'must be at least 1');
    const trigger =
      percentage !== undefined ? { lifetime_percentage: percentage } : { days_before_expiry: days as number };
    return { trigger, action: { action_type } };
  });
}

/**
 * Self (issued here) and Unknown (issued elsewhere, merged later) are the issuers a vault knows without
 * set-up, spelt as the service spells them; any other name must be an issuer set in the vault, which
 * the stores check (requireVaultIssuer in certificate-issuers.ts).
 */
export function requireIssuer(issuer: { name?: string; cty?: string; cert_transparency?: boolean }) {
  const given = issuer.name ?? SELF_ISSUER;
  if (given === '') throw bad('issuer.name', 'must not be empty');
  const known = [SELF_ISSUER, UNKNOWN_ISSUER].find((name) => name.toLowerCase() === given.toLowerCase());
  return { ...issuer, name: known ?? given };
}

/** Whether certificates of this issuer are signed by a CA the vault would ask (an issuer set in the vault). */
export function isNamedIssuer(name: string): boolean {
  return name !== SELF_ISSUER && name !== UNKNOWN_ISSUER;
}

/** A policy naming an issuer the vault does not have. */
export function issuerNotOfVault(given: string) {
  return bad(
    'issuer.name',
    `'${given.slice(0, 60)}' is not an issuer of this vault; use Self, Unknown or an issuer set with PUT /certificates/issuers/{name}`,
  );
}
