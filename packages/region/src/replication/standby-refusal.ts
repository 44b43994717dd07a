import { ServiceUnavailableError } from '@vaultover/vault';

/**
 * What a client gets from a standby secondary: only replication writes to it (its state is the primary's
 * copy), so serving a client write would fork the regions, and a read could be stale without saying so.
 * 503 rather than 403: the request is fine, this region is just not the one to serve it right now.
 */
export function standbyRefusal(region: string): ServiceUnavailableError {
  return new ServiceUnavailableError(
    `Region ${region} is a standby secondary: it serves replication only. ` +
      'Send requests to the primary region (or the global endpoint).',
  );
}
