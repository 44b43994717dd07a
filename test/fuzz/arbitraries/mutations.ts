import fc from 'fast-check';
import { edgeKey, hostileValue } from './hostile-values.ts';

/** Where a value sits in a document: object fields and array indexes from the root. */
export type DocumentPath = readonly (string | number)[];

/** One change to a valid document: a part replaced by a hostile value, removed, or an unknown field added. */
export interface Mutation {
  readonly kind: 'replace' | 'remove' | 'add';
  readonly path: DocumentPath;
  readonly value?: unknown;
}

export interface Mutated<T> {
  /** The valid document it started from. */
  readonly valid: T;
  readonly mutation: Mutation;
  /** The document after the mutation. */
  readonly document: unknown;
}

/**
 * A valid document from `valid` with one mutation: any part of it (the root included) replaced by a
 * hostile value or removed, or a field added to any of its objects. Which part is drawn from every path
 * of the document, so that deep fields are hit as often as top-level ones.
 */
export function mutatedDocument<T>(valid: fc.Arbitrary<T>, hostile = hostileValue): fc.Arbitrary<Mutated<T>> {
  return fc
    .tuple(valid, fc.nat(), fc.constantFrom('replace', 'remove', 'add'), hostile, edgeKey)
    .map(([document, index, kind, value, key]) => {
      let mutation: Mutation;
      if (kind === 'add') {
        const objects = pathsOf(document).filter((path) => isPlainObject(valueAt(document, path)));
        const at = objects[index % objects.length] ?? [];
        mutation = { kind, path: [...at, key], value };
      } else {
        const paths = pathsOf(document).filter((path) => kind === 'replace' || path.length > 0);
        const path = paths[index % paths.length] ?? [];
        mutation = kind === 'remove' ? { kind, path } : { kind, path, value };
      }
      return { valid: document, mutation, document: applyMutation(document, mutation) };
    });
}

/** Every path of `value`, the root (`[]`) first, then depth first. */
export function pathsOf(value: unknown, prefix: DocumentPath = []): DocumentPath[] {
  const paths: DocumentPath[] = [prefix];
  const children: [string | number, unknown][] = Array.isArray(value)
    ? value.map((item, i) => [i, item])
    : isPlainObject(value)
      ? Object.entries(value)
      : [];
  for (const [key, item] of children) paths.push(...pathsOf(item, [...prefix, key]));
  return paths;
}

/** A copy of the JSON-like `document` with `mutation` applied (the document itself is left as it is). */
export function applyMutation(document: unknown, mutation: Mutation): unknown {
  if (mutation.path.length === 0) return mutation.kind === 'remove' ? undefined : mutation.value;
  const copy = structuredClone(document);
  const parent = valueAt(copy, mutation.path.slice(0, -1)) as Record<string | number, unknown>;
  const key = mutation.path.at(-1) as string | number;
  if (mutation.kind === 'remove') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else {
    // An own property even for `__proto__`, as JSON.parse and YAML parsers make it.
    Object.defineProperty(parent, key, {
      value: mutation.value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

function valueAt(document: unknown, path: DocumentPath): unknown {
  return path.reduce<unknown>((value, key) => (value as Record<string | number, unknown>)[key], document);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
