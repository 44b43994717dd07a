import type { z } from 'zod';
import { BadParameterError } from './errors.ts';

/** Parses untrusted input with `schema`; failures become BadParameter naming the field and what was wrong. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.length ? issue.path.join('.') : what;
  throw new BadParameterError(`Invalid ${what}: '${field}' ${issue?.message ?? 'is not valid'}.`);
}

/** Names of secrets, keys and certificates (the real service's rule). */
export const OBJECT_NAME = /^[0-9a-zA-Z-]{1,127}$/;

export function requireObjectName(name: string): string {
  if (!OBJECT_NAME.test(name)) {
    throw new BadParameterError(
      `The request URI contains an invalid name: ${name.slice(0, 140)}. Names are 1-127 letters, digits and dashes.`,
    );
  }
  return name;
}
