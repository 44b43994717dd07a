import { BadParameterError } from '../errors.ts';

// Subjects as the service takes them: "CN=name, O=org" with `,` or `;` between parts, attribute
// types in any case. @peculiar/x509 wants upper-case types and silently drops what it cannot read,
// so the subject is parsed here and handed over in its JSON form.

const TYPES: Record<string, string> = {
  CN: 'CN',
  O: 'O',
  OU: 'OU',
  L: 'L',
  ST: 'ST',
  S: 'ST',
  C: 'C',
  E: 'E',
  EMAIL: 'E',
  DC: 'DC',
  STREET: 'STREET',
  SERIALNUMBER: 'serialNumber',
  G: 'G',
  SN: 'SN',
  T: 'T',
};

/** `[{ CN: ['name'] }, { O: ['org'] }]`: the form `new x509.Name(json)` takes. */
export type SubjectJson = Record<string, string[]>[];

export function parseSubject(subject: string): SubjectJson {
  const parts = subject.split(/[,;](?=\s*[A-Za-z.]+\s*=)/);
  return parts.map((part) => {
    const eq = part.indexOf('=');
    const type = TYPES[part.slice(0, eq).trim().toUpperCase()];
    const value = part.slice(eq + 1).trim();
    if (eq < 0 || !type || value === '') {
      throw new BadParameterError(
        `Invalid policy: 'x509_props.subject' '${subject.slice(0, 80)}' is not a distinguished name such as CN=name, O=organisation.`,
      );
    }
    return { [type]: [value] };
  });
}
