import type { CertificateContact, CertificateIssuer, OrganizationDetails } from '@vaultover/vault';
import { dropUndefined } from './attributes.ts';

// JSON shapes of the certificate issuers and contacts (IssuerBundle, CertificateIssuerItem, Contacts).
// An issuer's password is never part of them.

export function issuerBundle(base: string, issuer: CertificateIssuer) {
  return dropUndefined({
    id: issuerId(base, issuer.name),
    provider: issuer.provider,
    credentials: issuer.accountId === undefined ? undefined : { account_id: issuer.accountId },
    org_details: issuer.organization ? organizationBody(issuer.organization) : undefined,
    attributes: issuer.attributes,
  });
}

/** CertificateIssuerItem of a list: the id and provider only, as the REST specification defines it. */
export function issuerItem(base: string, issuer: CertificateIssuer) {
  return { id: issuerId(base, issuer.name), provider: issuer.provider };
}

export function contactsBody(base: string, contacts: CertificateContact[]) {
  return { id: `${base}/certificates/contacts`, contacts: contacts.map((contact) => dropUndefined(contact)) };
}

function issuerId(base: string, name: string): string {
  return `${base}/certificates/issuers/${name}`;
}

/** The real service answers `org_details` with a `zip` of 0 it was never sent (its recorded answers). */
function organizationBody(organization: OrganizationDetails) {
  return dropUndefined({
    id: organization.id,
    zip: 0,
    admin_details: organization.admin_details?.map((admin) => dropUndefined(admin)),
  });
}
