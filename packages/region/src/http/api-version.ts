import { BadParameterError } from '@vaultover/vault';

/** Every data-plane api-version the SDKs send, 7.0 onwards; the newest is what the current secrets client sends. */
export const SUPPORTED_API_VERSIONS = [
  '7.0',
  '7.1',
  '7.2',
  '7.3',
  '7.4',
  '7.5',
  '7.6-preview.1',
  '7.6-preview.2',
  '7.6',
  '2025-06-01-preview',
  '2025-07-01',
  '2026-04-01',
] as const;

export const LATEST_API_VERSION = '2026-04-01';
const SUPPORTED = new Set<string>(SUPPORTED_API_VERSIONS);

/**
 * Whether `version` (a supported one, as requireApiVersion answered) is `floor` or newer: the list is
 * in release order. What a version adds (`outContentType`, `previousVersion`) is not there before it.
 */
export function apiVersionAtLeast(version: string, floor: (typeof SUPPORTED_API_VERSIONS)[number]): boolean {
  return SUPPORTED_API_VERSIONS.indexOf(version as typeof floor) >= SUPPORTED_API_VERSIONS.indexOf(floor);
}

/** Checks the `api-version` query parameter the way the real service does. */
export function requireApiVersion(version: string | undefined): string {
  if (version === undefined || version === '') {
    throw new BadParameterError(
      `The api-version query parameter is missing. Add api-version=${LATEST_API_VERSION} to the request.`,
    );
  }
  if (!SUPPORTED.has(version)) {
    throw new BadParameterError(
      `The specified version (${version.slice(0, 40)}) is not recognized. Consider using the latest supported version (${LATEST_API_VERSION}).`,
    );
  }
  return version;
}
