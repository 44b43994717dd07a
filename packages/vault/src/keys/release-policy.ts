import { z } from 'zod';
import { BadParameterError } from '../errors.ts';
import { optional } from '../object-input.ts';

// Secure key release policies (docs/vault-api.md#secure-key-release): the stored form, the grammar of
// version 1.0.0 (an `anyOf` of authorities, each with an `allOf` or `anyOf` of claim conditions, which
// nest), and its evaluation against the claims of an attestation token.

/** The only content type the service takes, and what it answers when a request leaves it out. */
export const RELEASE_POLICY_CONTENT_TYPE = 'application/json; charset=utf-8';

/** `release_policy` as stored with a key version and returned on its bundle. */
export interface ReleasePolicy {
  contentType: string;
  /** base64url of the policy JSON, re-serialised in the service's order (version, anyOf; authority first). */
  data: string;
  immutable: boolean;
}

/** `release_policy` of a create, import or update body. */
export const releasePolicyInput = optional(
  z.object(
    {
      contentType: optional(z.string()),
      data: optional(z.string().regex(/^[A-Za-z0-9_-]*$/, 'must be base64url without padding')),
      immutable: optional(z.boolean()),
    },
    { error: 'must be an object: contentType, data, immutable' },
  ),
);
export type ReleasePolicyInput = Partial<NonNullable<z.infer<typeof releasePolicyInput>>>;

/** A condition of the grammar: a claim compared with a value, or a nested `allOf` / `anyOf`. */
export type ReleaseCondition =
  | { claim: string; equals: unknown }
  | { allOf: ReleaseCondition[] }
  | { anyOf: ReleaseCondition[] };

/** One authority of the policy with the conditions its tokens must meet. */
export type AuthorityRule = { authority: string } & (
  | { allOf: ReleaseCondition[] }
  | { anyOf: ReleaseCondition[] }
);

export interface ReleaseRules {
  version: '1.0.0';
  anyOf: AuthorityRule[];
}

const invalid = (why: string) => new BadParameterError(`Invalid release_policy: ${why}.`);

/** The stored policy of a request's `release_policy`, after checking its grammar. */
export function releasePolicyFrom(input: ReleasePolicyInput): ReleasePolicy {
  const contentType = input.contentType ?? RELEASE_POLICY_CONTENT_TYPE;
  if (contentType.toLowerCase().replaceAll(' ', '') !== RELEASE_POLICY_CONTENT_TYPE.replaceAll(' ', '')) {
    throw invalid(`contentType must be '${RELEASE_POLICY_CONTENT_TYPE}'`);
  }
  if (input.data === undefined) throw invalid("'data' is required: base64url of the policy JSON");
  const rules = parseRules(decodeJson(input.data));
  return {
    contentType: RELEASE_POLICY_CONTENT_TYPE,
    data: Buffer.from(JSON.stringify(rules)).toString('base64url'),
    immutable: input.immutable ?? false,
  };
}

/** The rules of a stored policy (its data was checked when it was stored). */
export function releaseRulesOf(policy: ReleasePolicy): ReleaseRules {
  return parseRules(decodeJson(policy.data));
}

function decodeJson(data: string): unknown {
  try {
    return JSON.parse(Buffer.from(data, 'base64url').toString('utf8'));
  } catch {
    throw invalid("'data' is not base64url of a JSON document");
  }
}

/** Members of an object whatever their case: the documented grammar writes `anyof`, the SDKs' samples `anyOf`. */
function member(object: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(object).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : object[key];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseRules(json: unknown): ReleaseRules {
  if (!isObject(json)) throw invalid('the policy must be a JSON object');
  const version = member(json, 'version');
  if (version !== '1.0.0') throw invalid(`'version' must be "1.0.0"`);
  const authorities = member(json, 'anyOf');
  if (!Array.isArray(authorities) || authorities.length === 0) {
    throw invalid("'anyOf' must be a non-empty array of authorities");
  }
  return { version: '1.0.0', anyOf: authorities.map(parseAuthority) };
}

function parseAuthority(json: unknown, index: number): AuthorityRule {
  const where = `anyOf[${index}]`;
  if (!isObject(json)) throw invalid(`${where} must be an object with 'authority' and 'allOf' or 'anyOf'`);
  const authority = member(json, 'authority');
  if (typeof authority !== 'string' || !URL.canParse(authority)) {
    throw invalid(`${where}.authority must be the URL of an attestation authority`);
  }
  const group = parseGroup(json, where);
  if (!group) throw invalid(`${where} needs 'allOf' or 'anyOf' conditions`);
  return { authority, ...group };
}

/** The `allOf` or `anyOf` of an object, or undefined when it has neither. */
function parseGroup(json: Record<string, unknown>, where: string) {
  const allOf = member(json, 'allOf');
  const anyOf = member(json, 'anyOf');
  if (allOf !== undefined && anyOf !== undefined) throw invalid(`${where} has both 'allOf' and 'anyOf'`);
  const [name, list] = allOf !== undefined ? (['allOf', allOf] as const) : (['anyOf', anyOf] as const);
  if (list === undefined) return undefined;
  if (!Array.isArray(list) || list.length === 0) throw invalid(`${where}.${name} must be a non-empty array`);
  const conditions = list.map((item, i) => parseCondition(item, `${where}.${name}[${i}]`));
  return name === 'allOf' ? { allOf: conditions } : { anyOf: conditions };
}

function parseCondition(json: unknown, where: string): ReleaseCondition {
  if (!isObject(json)) throw invalid(`${where} must be an object`);
  const group = parseGroup(json, where);
  if (group) return group;
  const claim = member(json, 'claim');
  if (typeof claim !== 'string' || claim === '') throw invalid(`${where} needs a 'claim' name`);
  const equals = member(json, 'equals');
  if (equals === undefined) throw invalid(`${where} needs 'equals': the only operator of version 1.0.0`);
  if (typeof equals === 'object' && equals !== null)
    throw invalid(`${where}.equals must be a string, number or boolean`);
  return { claim, equals };
}

/** URLs name the same authority whatever their trailing slash and host case. */
function sameAuthority(a: string, b: string): boolean {
  const normal = (url: string) => {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, '')}`.toLowerCase();
  };
  return URL.canParse(a) && URL.canParse(b) && normal(a) === normal(b);
}

/** Whether the policy names `issuer` among its authorities. */
export function namesAuthority(rules: ReleaseRules, issuer: string): boolean {
  return rules.anyOf.some((rule) => sameAuthority(rule.authority, issuer));
}

/** Whether a token of `issuer` with `claims` satisfies the policy: an authority naming the issuer whose conditions hold. */
export function satisfies(rules: ReleaseRules, issuer: string, claims: Record<string, unknown>): boolean {
  return rules.anyOf.some((rule) => sameAuthority(rule.authority, issuer) && holds(rule, claims));
}

function holds(condition: ReleaseCondition, claims: Record<string, unknown>): boolean {
  if ('allOf' in condition) return condition.allOf.every((c) => holds(c, claims));
  if ('anyOf' in condition) return condition.anyOf.some((c) => holds(c, claims));
  const value = claimValue(claims, condition.claim);
  return value !== undefined && equal(value, condition.equals);
}

/** A claim by name, or by a dotted path into nested claims (`x-ms-isolation-tee.x-ms-attestation-type`). */
function claimValue(claims: Record<string, unknown>, name: string): unknown {
  if (name in claims) return claims[name];
  let value: unknown = claims;
  for (const part of name.split('.')) {
    if (!isObject(value) || !(part in value)) return undefined;
    value = value[part];
  }
  return value;
}

/**
 * `equals` as the service applies it: a boolean or number claim matches the same value written as a
 * string (the SDKs' own live tests match the token's `"sdk-test": true` with `"equals": "true"`).
 */
function equal(claim: unknown, expected: unknown): boolean {
  if (typeof claim === 'object' && claim !== null) return false;
  return claim === expected || String(claim) === String(expected);
}
