import { z } from 'zod';
import { intDate, optional, tags } from '../object-input.ts';

// Bodies of the certificate requests as the SDK sends them (wire names, snake_case in the policy).
// Shapes only: which values a vault accepts is decided in certificate-policy.ts.

const strings = (what: string) => optional(z.array(z.string({ error: `must be strings: ${what}` })));

const keyProps = optional(
  z.object({
    exportable: optional(z.boolean()),
    kty: optional(z.string()),
    key_size: optional(z.number().int('must be an integer')),
    reuse_key: optional(z.boolean()),
    crv: optional(z.string()),
  }),
);

const sans = optional(
  z.object({
    emails: strings('e-mail addresses'),
    dns_names: strings('DNS names'),
    upns: strings('user principal names'),
    uris: strings('URIs'),
    ipAddresses: strings('IP addresses'),
  }),
);

const x509Props = optional(
  z.object({
    subject: optional(z.string()),
    ekus: strings('object identifiers'),
    sans,
    key_usage: strings('key usages'),
    validity_months: optional(z.number().int('must be a whole number of months')),
  }),
);

const lifetimeActions = optional(
  z.array(
    z.object({
      trigger: optional(
        z.object({
          lifetime_percentage: optional(z.number().int('must be an integer')),
          days_before_expiry: optional(z.number().int('must be an integer')),
        }),
      ),
      action: optional(z.object({ action_type: optional(z.string()) })),
    }),
  ),
);

const issuer = optional(
  z.object({
    name: optional(z.string()),
    cty: optional(z.string()),
    cert_transparency: optional(z.boolean()),
  }),
);

const attributes = optional(z.object({ enabled: optional(z.boolean()), nbf: intDate, exp: intDate }));

/** A CertificatePolicy in a request (create, import, update, PATCH policy); `id` and dates are ignored. */
export const policyInput = z.object({
  key_props: keyProps,
  secret_props: optional(z.object({ contentType: optional(z.string()) })),
  x509_props: x509Props,
  lifetime_actions: lifetimeActions,
  issuer,
  attributes,
});
export type PolicyInput = z.infer<typeof policyInput>;

/** Body of `POST /certificates/{name}/create`. */
export const certificateCreateInput = z.object({
  policy: optional(policyInput),
  attributes,
  tags,
  preserveCertOrder: optional(z.boolean()),
});
export type CertificateCreateInput = z.infer<typeof certificateCreateInput>;

/** Body of `POST /certificates/{name}/import`: a base64 PFX, or PEM text when the policy says so. */
export const certificateImportInput = z.object({
  value: z
    .string({ error: 'is required: the certificate, a base64 PFX or PEM text' })
    .min(1, 'must not be empty'),
  pwd: optional(z.string().max(200, 'must be at most 200 characters')),
  policy: optional(policyInput),
  attributes,
  tags,
  preserveCertOrder: optional(z.boolean()),
});
export type CertificateImportInput = z.infer<typeof certificateImportInput>;

/** Body of `PATCH /certificates/{name}/{version}`. */
export const certificateUpdateInput = z.object({ policy: optional(policyInput), attributes, tags });
export type CertificateUpdateInput = z.infer<typeof certificateUpdateInput>;

/** Body of `POST /certificates/{name}/pending/merge`: the signed chain, leaf first, each base64. */
export const certificateMergeInput = z.object({
  x5c: z.array(z.string({ error: 'must be base64 strings' }), {
    error: 'is required: the signed certificate chain, leaf first, each base64',
  }),
  attributes,
  tags,
});
export type CertificateMergeInput = z.infer<typeof certificateMergeInput>;

/** Body of `PATCH /certificates/{name}/pending`. */
export const pendingUpdateInput = z.object({
  cancellation_requested: z.boolean({ error: 'is required: true requests the cancellation' }),
});
