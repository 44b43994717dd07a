import { VaultError } from '@vaultover/vault';
import type { Request, Response } from 'express';
import { sendError } from '../error-reply.ts';
import { invalidResourceType } from './arm-errors.ts';
import type { ArmRoute } from './arm-route.ts';

/**
 * Answers requests under `/subscriptions` that no management route took, in ARM's words: 405 for a known
 * path with another method, 404 InvalidResourceType otherwise (never the data plane's errors).
 */
export function armFallback(routes: readonly ArmRoute[]) {
  const patterns = routes.map((route) => pathPattern(route.path));
  return (req: Request, res: Response): void => {
    // Mounted middleware sees the path below its mount point; put it back together.
    const path = (req.baseUrl + req.path).replace(/\/+$/, '');
    const error = patterns.some((pattern) => pattern.test(path))
      ? new VaultError(
          405,
          'MethodNotAllowed',
          `The requested resource does not support http method '${req.method.slice(0, 10)}'.`,
        )
      : invalidResourceType(path);
    sendError(res, error, () => {}); // a VaultError: never unexpected, nothing to log
  };
}

function pathPattern(path: string): RegExp {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z]+/g, '[^/]+');
  return new RegExp(`^${escaped}$`, 'i');
}
