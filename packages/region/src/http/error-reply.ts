import { isVaultError } from '@vaultover/vault';
import type { Response } from 'express';

/** Writes an error in the service's format, `{"error":{"code","message","innererror"}}`; returns the status. */
export function sendError(res: Response, error: unknown, onUnexpected: (error: unknown) => void): number {
  if (isVaultError(error)) {
    const body: { code: string; message: string; innererror?: { code: string } } = {
      code: error.code,
      message: error.message,
    };
    if (error.innerCode) body.innererror = { code: error.innerCode };
    res.status(error.status).json({ error: body });
    return error.status;
  }
  onUnexpected(error);
  res.status(500).json({
    error: {
      code: 'InternalServerError',
      message: 'The region node failed to process the request; see its log.',
    },
  });
  return 500;
}
