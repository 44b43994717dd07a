import type { PipelineResponse } from '@azure/core-rest-pipeline';
import type { AnswerFields } from './history-recorder.ts';

/** The region and epoch headers every region answer carries (docs/region-api.md). */
const REGION_HEADER = 'x-ms-keyvault-region';
const EPOCH_HEADER = 'x-vaultover-epoch';

/**
 * Collects what the answers of one SDK call said: pass `onResponse` as the call's option. A call of
 * several requests (pages of a list) keeps an epoch only when every answer gave the same one.
 */
export class AnswerHeaders {
  #region: string | undefined;
  #epochs = new Set<number>();

  readonly onResponse = (response: { headers: PipelineResponse['headers'] }): void => {
    this.#see(response.headers);
  };

  /** Also reads the answer an SDK error carries, if any. */
  seeError(error: unknown): void {
    const response = (error as { response?: PipelineResponse } | undefined)?.response;
    if (response) this.#see(response.headers);
  }

  get fields(): Pick<AnswerFields, 'region' | 'epoch'> {
    return { region: this.#region, epoch: this.#epochs.size === 1 ? [...this.#epochs][0] : undefined };
  }

  #see(headers: PipelineResponse['headers']): void {
    this.#region = headers.get(REGION_HEADER) ?? this.#region;
    const epoch = headers.get(EPOCH_HEADER);
    if (epoch !== undefined && /^\d+$/.test(epoch)) this.#epochs.add(Number(epoch));
  }
}

/** The HTTP status of an SDK error, or undefined when no answer came (reset, refused, timed out). */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * What a failed change tells its client. A 4xx is a refusal before anything happened (`fail`). So is a
 * 503 under async replication: every 503 Vaultover gives then (a failover window, a read-only or fenced
 * region, a fault rule, a region that did not answer the global endpoint) comes before the commit, which
 * the checker holds it to (a refused write must never show up). Under sync replication a 503 may come
 * after the commit (not replicated in time), and any other 5xx or no answer at all leaves it open:
 * `unknown`.
 */
export function changeFailure(error: unknown, mode: 'sync' | 'async'): 'fail' | 'unknown' {
  const status = statusOf(error);
  if (status === undefined) return 'unknown';
  return status < 500 || (status === 503 && mode === 'async') ? 'fail' : 'unknown';
}
