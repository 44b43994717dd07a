import type { Page, VaultPageRequest } from '@vaultover/vault';
import { invalidQueryParameter } from './arm-errors.ts';
import type { ArmContext } from './arm-route.ts';

const MAX_TOP = 1000;

/** `$top` (a page size, 1–1000) and `$skiptoken` from the query. */
export function armPageRequest(context: ArmContext): VaultPageRequest {
  const raw = context.query.$top;
  let top: number | undefined;
  if (raw !== undefined && raw !== '') {
    top = Number(raw);
    if (!Number.isInteger(top) || top < 1 || top > MAX_TOP) {
      throw invalidQueryParameter(
        '$top',
        `expected an integer from 1 to ${MAX_TOP}, got '${raw.slice(0, 20)}'.`,
      );
    }
  }
  return { top, skipToken: context.query.$skiptoken || undefined };
}

/** `{ value, nextLink }`: the link repeats the request's own origin, path and query, with the next token. */
export function armPageBody(context: ArmContext, page: Page<unknown>, items: unknown[]) {
  if (!page.skipToken) return { value: items };
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(context.query)) {
    if (key !== '$skiptoken' && value !== undefined) query.set(key, value);
  }
  query.set('$skiptoken', page.skipToken);
  const search = query.toString().replace(/%24/g, '$');
  return { value: items, nextLink: `${context.origin}${context.path}?${search}` };
}
