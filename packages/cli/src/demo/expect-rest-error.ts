import { isRestError } from '@azure/core-rest-pipeline';

/** Runs `action` and returns the service error it must fail with; anything else is a demo failure. */
export async function expectRestError(
  action: () => Promise<unknown>,
  status: number,
): Promise<{ status: number; code: string; message: string; innerCode: string | undefined }> {
  try {
    await action();
  } catch (error) {
    if (isRestError(error) && error.statusCode === status) {
      const inner = (error.details as { error?: { innerError?: { code?: string } } } | undefined)?.error
        ?.innerError;
      return { status, code: error.code ?? '', message: error.message, innerCode: inner?.code };
    }
    throw error;
  }
  throw new Error(`expected the service to refuse with ${status}, but it succeeded`);
}
