import { parse as parseQuery } from 'node:querystring';
import { type MatchFunction, match } from 'path-to-regexp';
import type { HttpMethod } from './data-route.ts';

type Params = Partial<Record<string, string>>;

/** What the table needs of a route: its method and express path pattern (`/secrets/:name{/:version}`). */
export interface RoutePattern {
  readonly method: HttpMethod;
  readonly path: string;
}

/** A request the table routes: its route, with the path parameters and query express would give it. */
export interface RoutedRequest<R extends RoutePattern> {
  readonly route: R;
  readonly params: Params;
  /** `node:querystring`'s parse of the query, as express's default ("simple") query parser. */
  readonly query: Record<string, string | string[] | undefined>;
}

interface CompiledRoute<R extends RoutePattern> {
  readonly route: R;
  readonly matches: MatchFunction<Params>;
}

// Characters for which parseurl (express's URL parser) leaves its fast path and re-parses the URL with
// url.parse: such a URL is left to express.
const UNUSUAL_URL = /[\t\n\f\r #\u00a0\ufeff]/;

/**
 * The data plane's routes, matched as express 5 matches them: path-to-regexp with the options of an
 * express route (case-insensitive, one optional trailing slash, parameters percent-decoded), the first
 * route in order whose path and method match, HEAD served by a GET route. Express's router tries every
 * layer of the app in turn (the infrastructure and management routes, then some fifty data routes);
 * here a request tries only the routes of its first path segment.
 *
 * A request the table does not route goes to express, which answers it as it always has: a path or
 * method of no data route (404, 405), a parameter that does not decode (400), a URL that express would
 * re-parse. The table must never route a request express would route elsewhere: the routes of the other
 * planes may not share a first segment with it (`claim`), and a test compares the two on generated URLs.
 */
export class DataRouteTable<R extends RoutePattern> {
  /** The routes, in the order they are tried. */
  readonly routes: readonly R[];
  readonly #bySegment = new Map<string, CompiledRoute<R>[]>();

  constructor(routes: readonly R[]) {
    this.routes = routes;
    for (const route of routes) {
      const segment = firstSegment(route.path);
      if (!segment || segment.includes(':') || segment.includes('{'))
        throw new Error(`data route ${route.path} must start with a literal segment`);
      const compiled = this.#bySegment.get(segment) ?? [];
      compiled.push({
        route,
        matches: match<Params>(route.path, { sensitive: false, end: true, trailing: true, decode }),
      });
      this.#bySegment.set(segment, compiled);
    }
  }

  /** Throws unless no data route shares the first segment of `path`, a route of another plane. */
  claim(path: string): void {
    const segment = firstSegment(path);
    if (segment !== undefined && this.#bySegment.has(segment))
      throw new Error(`${path} would be shadowed by the data plane's routes of /${segment}`);
  }

  /** The route express would give `url` (collapsed: see collapseSlashes), or undefined to leave it to express. */
  route(method: string, url: string): RoutedRequest<R> | undefined {
    if (UNUSUAL_URL.test(url)) return undefined;
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const candidates = this.#candidates(path);
    if (!candidates) return undefined;
    const wanted = method === 'HEAD' ? 'GET' : method;
    for (const { route, matches } of candidates) {
      if (route.method !== wanted) continue;
      let found: ReturnType<typeof matches>;
      try {
        found = matches(path);
      } catch {
        return undefined; // a parameter that does not decode: express answers it (400)
      }
      if (found) return { route, params: found.params, query: q < 0 ? {} : parseQuery(url.slice(q + 1)) };
    }
    return undefined;
  }

  /** Whether a route of any method has `path` (a request for it with another method is a 405). */
  hasPath(path: string): boolean {
    return (this.#candidates(path) ?? []).some(({ matches }) => {
      try {
        return matches(path) !== false;
      } catch {
        return true; // its pattern matched; only a parameter's decoding failed
      }
    });
  }

  #candidates(path: string): readonly CompiledRoute<R>[] | undefined {
    const segment = firstSegment(path);
    return segment === undefined ? undefined : this.#bySegment.get(segment);
  }
}

/** Collapses repeated slashes in the path of `url`: the SDK sends `/keys/{n}//encrypt` for a versionless key id. */
export function collapseSlashes(url: string): string {
  if (!url.includes('//')) return url;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  return path.replace(/\/{2,}/g, '/') + (q < 0 ? '' : url.slice(q));
}

/**
 * The first segment of a path, lower-cased (routes match regardless of case), or undefined when the path
 * does not start with one. Lower-casing may put a path among routes it does not match (the matcher then
 * refuses it), never keep it from a route it matches: without the `u` flag a case-insensitive regular
 * expression matches an ASCII letter only with ASCII letters.
 */
function firstSegment(path: string): string | undefined {
  if (path.charCodeAt(0) !== 0x2f) return undefined;
  const end = path.indexOf('/', 1);
  const segment = (end < 0 ? path.slice(1) : path.slice(1, end)).toLowerCase();
  return segment === '' ? undefined : segment;
}

/** Express's decoding of a parameter (the router's decodeParam): only when it holds a percent sign. */
function decode(value: string): string {
  return value.includes('%') ? decodeURIComponent(value) : value;
}
