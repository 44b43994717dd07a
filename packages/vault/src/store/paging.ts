import { BadParameterError } from '../errors.ts';

/** Largest page the real service returns, and its default. */
export const MAX_PAGE_SIZE = 25;

export interface PageRequest {
  /** 1–25; default 25. */
  maxResults?: number | undefined;
  /** Opaque token from the previous page. */
  skipToken?: string | undefined;
}

export interface Page<T> {
  items: T[];
  /** Present when there are more items; pass it back to get them. */
  skipToken?: string | undefined;
}

/** Skip tokens are opaque to clients: base64url of a small JSON cursor. */
export function encodeSkipToken(cursor: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeSkipToken<T extends Record<string, unknown>>(
  token: string,
  field: keyof T & string,
): T {
  try {
    const cursor = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as T;
    if (cursor && typeof cursor === 'object' && field in cursor) return cursor;
  } catch {
    // fall through to the error below
  }
  throw new BadParameterError('The $skiptoken is not valid. Use the nextLink of the previous page as it is.');
}

export function pageSize(request: PageRequest): number {
  return request.maxResults ?? MAX_PAGE_SIZE;
}
