import { z } from 'zod';
import { optional } from '../object-input.ts';

// Bodies of the issuer and contacts requests as the SDKs send them (IssuerBundle and Contacts of the
// REST specification, wire names). Fields the specification does not define are dropped.

const text = optional(z.string());

const credentials = optional(z.object({ account_id: text, pwd: text }));

const organizationDetails = optional(
  z.object({
    id: text,
    admin_details: optional(
      z.array(z.object({ first_name: text, last_name: text, email: text, phone: text })),
    ),
  }),
);

const issuerAttributes = optional(z.object({ enabled: optional(z.boolean()) }));

const provider = z.string({ error: 'is required: the issuer provider' }).min(1, 'must not be empty');

/** `PUT /certificates/issuers/{name}`: `provider` is required, the rest optional. */
export const issuerSetInput = z.object({
  provider,
  credentials,
  org_details: organizationDetails,
  attributes: issuerAttributes,
});

/** `PATCH /certificates/issuers/{name}`: every field optional; those given replace the stored ones. */
export const issuerUpdateInput = issuerSetInput.extend({ provider: optional(provider) });

export type IssuerSetInput = z.infer<typeof issuerSetInput>;
export type IssuerUpdateInput = z.infer<typeof issuerUpdateInput>;

/** `PUT /certificates/contacts`. */
export const contactsInput = z.object({
  contacts: z.array(z.object({ email: text, name: text, phone: text }), {
    error: 'is required: a list of contacts',
  }),
});
