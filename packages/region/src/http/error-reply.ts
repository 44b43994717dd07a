import type { ServerResponse } from 'node:http';
import { isVaultError } from '@vaultover/vault';
import { sendJson } from './send-json.ts';

/** Writes an error in the service's format, `{"error":{"code","message","innererror"}}`; returns the status. */
export function sendError(
  res: ServerResponse,
  error: unknown,
  onUnexpected: (error: unknown) => void,
): number {
  if (isVaultError(error)) {
    const body: { code: string; message: string; innererror?: { code: string } } = {
      code: error.code,
      message: error.message,
    };
    if (error.innerCode) body.innererror = { code: error.innerCode };
    sendJson(res, error.status, { error: body });
    return error.status;
  }
  onUnexpected(error);
  sendJson(res, 500, {
    error: {
      code: 'InternalServerError',
      message: 'The region node failed to process the request; see its log.',
    },
  });
  return 500;
}
