import { BadParameterError, isVaultError, VaultError } from '../../errors.ts';
import type { CurveName } from '../key-types.ts';
import type { CryptoRequest } from './key-operation.ts';

// Messages between the crypto worker pool and its workers (worker_threads, structured clone).

/** Main thread to worker: run `request` with key `keyId`; `der` is sent only after the worker asked. */
export interface WorkRequest {
  id: number;
  keyId: string;
  /** Identity of the stored (sealed) form: a different one means the worker's copy is stale. */
  sealed: string;
  curve?: CurveName | undefined;
  der?: Uint8Array | undefined;
  request: CryptoRequest;
}

/** A VaultError's fields, or a plain error's message, as they cross the thread boundary. */
export interface SerializedError {
  status?: number;
  code?: string;
  innerCode?: string | undefined;
  message: string;
}

/** Worker to main thread. `needKey`: the worker does not hold this key version; send its DER. */
export type WorkReply =
  | { id: number; needKey: true }
  | { id: number; value: Uint8Array }
  | { id: number; valid: boolean }
  | { id: number; error: SerializedError };

export function serializeError(error: unknown): SerializedError {
  if (isVaultError(error)) {
    return { status: error.status, code: error.code, innerCode: error.innerCode, message: error.message };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

/** The error as the service would have thrown it inline: BadParameter stays BadParameter. */
export function restoreError(error: SerializedError): Error {
  if (error.status === undefined || error.code === undefined)
    return new Error(`crypto worker: ${error.message}`);
  if (error.code === 'BadParameter') return new BadParameterError(error.message, error.innerCode);
  return new VaultError(error.status, error.code, error.message, error.innerCode);
}
