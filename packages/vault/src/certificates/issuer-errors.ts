import { NotFoundError } from '../errors.ts';

// The real service's answers for a missing issuer and for contacts never set (its recorded answers
// in the Azure SDK for JavaScript's certificate tests), status, code and message.

export function issuerNotFound(): NotFoundError {
  return new NotFoundError('CertificateIssuerNotFound', 'Issuer not found');
}

export function contactsNotFound(): NotFoundError {
  return new NotFoundError('ContactsNotFound', 'Contacts not found');
}
