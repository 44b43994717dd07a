import { BadParameterError, MAX_PAGE_SIZE, type Page, type PageRequest } from '@vaultover/vault';
import type { RequestContext } from './data-route.ts';

/** Reads `maxresults` (1–25) and `$skiptoken` from the query. */
function pageRequest(context: RequestContext): PageRequest {
  const raw = context.query.maxresults;
  let maxResults: number | undefined;
  if (raw !== undefined && raw !== '') {
    maxResults = Number(raw);
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_PAGE_SIZE) {
      throw new BadParameterError(
        `maxresults must be an integer from 1 to ${MAX_PAGE_SIZE}, got '${raw.slice(0, 20)}'.`,
      );
    }
  }
  return { maxResults, skipToken: context.query.$skiptoken || undefined };
}

/** `{ value, nextLink }`, with the link built from the request's own origin, as the SDK requires. */
function pageBody<T>(
  context: RequestContext,
  path: string,
  page: Page<T>,
  request: PageRequest,
  items: unknown[],
) {
  let nextLink: string | null = null;
  if (page.skipToken) {
    const query = new URLSearchParams({ 'api-version': context.apiVersion, $skiptoken: page.skipToken });
    if (request.maxResults) query.set('maxresults', String(request.maxResults));
    nextLink = `${context.base}${path}?${query.toString().replace('%24skiptoken', '$skiptoken')}`;
  }
  return { value: items, nextLink };
}

/**
 * The answer to a list request: reads the paging query, fetches that page, shapes each item as the wire
 * wants it, and links the next page.
 */
export async function listPage<T>(
  context: RequestContext,
  path: string,
  fetch: (request: PageRequest) => Promise<Page<T>>,
  item: (value: T) => unknown,
) {
  const request = pageRequest(context);
  const page = await fetch(request);
  return pageBody(context, path, page, request, page.items.map(item));
}
