import { isRestError, type RestError } from '@azure/keyvault-secrets';
import { expect } from 'vitest';

/** Awaits `promise`, expects a RestError with that status and error code, and returns it. */
export async function expectRestError(
  promise: Promise<unknown>,
  statusCode: number,
  code: string,
): Promise<RestError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  if (caught === undefined)
    throw new Error(`expected a ${statusCode} ${code} RestError, but the call succeeded`);
  if (!isRestError(caught)) throw caught;
  expect({ statusCode: caught.statusCode, code: caught.code }).toEqual({ statusCode, code });
  return caught;
}

/** `innererror.code` of the error body, as the SDK parses it into `details.error.innerError`. */
export function innerCode(error: RestError): string | undefined {
  const details = error.details as { error?: { innerError?: { code?: string } } } | undefined;
  return details?.error?.innerError?.code;
}
