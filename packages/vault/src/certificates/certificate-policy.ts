import type { CurveName, KeyType } from '../keys/key-types.ts';
import {
  type ContentType,
  type KeyUsage,
  type LifetimeAction,
  requireContentType,
  requireEkus,
  requireIssuer,
  requireKeyProps,
  requireKeyUsages,
  requireLifetimeActions,
  requireSans,
  requireSubject,
  requireValidityMonths,
  type SubjectAlternativeNames,
} from './policy-rules.ts';

// A certificate's policy, stored as the `policy` attachment of the certificate object (one mutation
// to set, kept across versions, soft delete and recovery, carried in backups), in wire field names.

export const POLICY_SLOT = 'policy';

/** A policy as a request gives it: any field may be missing (PolicyInput, or one built from a certificate). */
export interface PolicyRequest {
  key_props?: { exportable?: boolean; kty?: string; key_size?: number; crv?: string; reuse_key?: boolean };
  secret_props?: { contentType?: string };
  x509_props?: {
    subject?: string;
    ekus?: string[];
    sans?: Partial<Record<keyof SubjectAlternativeNames, string[]>>;
    key_usage?: string[];
    validity_months?: number;
  };
  lifetime_actions?: {
    trigger?: { lifetime_percentage?: number; days_before_expiry?: number };
    action?: { action_type?: string };
  }[];
  issuer?: { name?: string; cty?: string; cert_transparency?: boolean };
  attributes?: { enabled?: boolean };
}

export interface CertificatePolicy {
  key_props: { exportable: boolean; kty: KeyType; key_size?: number; crv?: CurveName; reuse_key: boolean };
  secret_props: { contentType: ContentType };
  x509_props: {
    subject: string;
    sans?: SubjectAlternativeNames;
    ekus?: string[];
    key_usage: KeyUsage[];
    validity_months: number;
  };
  lifetime_actions: LifetimeAction[];
  issuer: { name: string; cty?: string; cert_transparency?: boolean };
  attributes: { enabled: boolean; created: number; updated: number };
}

const SERVER_AND_CLIENT_AUTH = ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'];
const RSA_USAGES: KeyUsage[] = ['digitalSignature', 'keyEncipherment'];
const EC_USAGES: KeyUsage[] = ['digitalSignature'];

/**
 * The policy a request asks for, on top of `base` (the stored policy for a PATCH, nothing for a create):
 * every field the request leaves out comes from `base`, else from the real service's defaults.
 * Throws BadParameter naming the field for anything a vault would refuse.
 */
export function resolvePolicy(
  input: PolicyRequest,
  now: number,
  base?: CertificatePolicy | undefined,
): CertificatePolicy {
  // A new key type starts from its own defaults: a size or curve of the old type would not fit it.
  const inherited = input.key_props?.kty
    ? { exportable: base?.key_props.exportable, reuse_key: base?.key_props.reuse_key }
    : base?.key_props;
  const keyProps = requireKeyProps({ ...defined(inherited), ...defined(input.key_props) });
  const isEc = keyProps.kty.startsWith('EC');
  const x509 = { ...base?.x509_props, ...defined(input.x509_props) };
  const sans = requireSans(input.x509_props?.sans ?? base?.x509_props.sans);
  const subject = requireSubject(x509.subject, sans !== undefined);
  const ekus = requireEkus(input.x509_props?.ekus ?? base?.x509_props.ekus ?? SERVER_AND_CLIENT_AUTH);
  const policy: CertificatePolicy = {
    key_props: keyProps,
    secret_props: {
      contentType: requireContentType(input.secret_props?.contentType ?? base?.secret_props.contentType),
    },
    x509_props: {
      subject,
      ...(sans ? { sans } : {}),
      ...(ekus.length > 0 ? { ekus } : {}),
      key_usage: requireKeyUsages(
        input.x509_props?.key_usage ?? base?.x509_props.key_usage ?? (isEc ? EC_USAGES : RSA_USAGES),
      ),
      validity_months: requireValidityMonths(x509.validity_months),
    },
    lifetime_actions: requireLifetimeActions(input.lifetime_actions, base?.lifetime_actions),
    issuer: requireIssuer({ ...base?.issuer, ...defined(input.issuer) }),
    attributes: {
      enabled: input.attributes?.enabled ?? base?.attributes.enabled ?? true,
      created: base?.attributes.created ?? now,
      updated: now,
    },
  };
  return policy;
}

/** The fields of `value` that were given: the SDK sends absent ones as null or leaves them out. */
function defined<T extends object>(value: T | undefined): Partial<T> {
  const out: Partial<T> = {};
  for (const [key, field] of Object.entries(value ?? {})) {
    if (field !== undefined && field !== null) out[key as keyof T] = field as T[keyof T];
  }
  return out;
}
