/** The kinds of object a vault holds, with the words the real service uses for each in paths and messages. */
export interface ObjectKind {
  readonly id: 'secret' | 'key' | 'certificate';
  /** Lower-case noun for messages: "secret". */
  readonly noun: string;
  /** Capitalised noun for messages, codes and operation names: "Secret" (`SecretDelete`, …). */
  readonly title: 'Secret' | 'Key' | 'Certificate';
  /** Path segment of live objects: "secrets". */
  readonly collection: string;
  /** Path segment of deleted objects: "deletedsecrets". */
  readonly deletedCollection: string;
}

function kind(id: ObjectKind['id'], title: ObjectKind['title']): ObjectKind {
  const noun = title.toLowerCase();
  return { id, noun, title, collection: `${noun}s`, deletedCollection: `deleted${noun}s` };
}

export const SECRET = kind('secret', 'Secret');
export const KEY = kind('key', 'Key');
export const CERTIFICATE = kind('certificate', 'Certificate');

/** Each kind by its id (the `on` of a failed guard, a change entry's kind). */
export const OBJECT_KINDS: Readonly<Record<ObjectKind['id'], ObjectKind>> = {
  secret: SECRET,
  key: KEY,
  certificate: CERTIFICATE,
};
