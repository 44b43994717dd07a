/**
 * Looking for a secret in places it must not be: every form it could take there, and where it was found.
 * A value is looked for raw, in hex, and in base64 and base64url at each of the three alignments it can
 * have inside a longer encoded string (only the characters fixed by the value's own bytes).
 */

export interface LeakForm {
  form: string;
  needle: Buffer;
}

/** Base64 text of `bytes` wherever they sit in a larger buffer, at each alignment. */
function base64Fragments(bytes: Buffer): string[] {
  const fragments: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const start = offset === 0 ? 0 : 4;
    const end = Math.floor((offset + bytes.length) / 3) * 4;
    fragments.push(encoded.slice(start, end));
  }
  return fragments;
}

/** Every form in which `bytes` could leak. Needles shorter than 16 bytes would find noise, so are refused. */
export function leakForms(bytes: Buffer): LeakForm[] {
  const forms: LeakForm[] = [
    { form: 'raw', needle: bytes },
    { form: 'hex', needle: Buffer.from(bytes.toString('hex')) },
  ];
  for (const fragment of base64Fragments(bytes)) {
    forms.push({ form: 'base64', needle: Buffer.from(fragment) });
    forms.push({ form: 'base64url', needle: Buffer.from(fragment.replace(/\+/g, '-').replace(/\//g, '_')) });
  }
  for (const f of forms) {
    if (f.needle.length < 16)
      throw new Error(`a ${f.form} needle of ${f.needle.length} bytes is not distinctive`);
  }
  return forms;
}

/** Names of the haystacks (by label) that contain any form of `bytes`, with the form. */
export function findLeaks(haystacks: ReadonlyMap<string, Buffer>, bytes: Buffer): string[] {
  const found: string[] = [];
  for (const { form, needle } of leakForms(bytes)) {
    for (const [label, haystack] of haystacks)
      if (haystack.includes(needle)) found.push(`${label} (${form})`);
  }
  return found;
}
