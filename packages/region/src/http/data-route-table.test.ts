import { fuzzParameters } from '@vaultover/testkit';
import express, { type NextFunction, type Request, type Response } from 'express';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DataRoute } from './data-route.ts';
import { collapseSlashes, DataRouteTable } from './data-route-table.ts';
import { vaultRoutes } from './management/vault-routes.ts';
import { certificateRoutes } from './routes/certificate-routes.ts';
import { keyCryptoRoutes } from './routes/key-crypto-routes.ts';
import { keyRoutes } from './routes/key-routes.ts';
import { secretRoutes } from './routes/secret-routes.ts';

// The route table must route a request exactly as express would (the same route, parameters and query),
// or leave it to express. Express is the reference here: an app laid out as the region's (other planes
// first, then the data routes in order), asked about the same URLs as the table.

const dataRoutes: DataRoute[] = [
  ...secretRoutes({} as never),
  ...keyRoutes({} as never, {} as never),
  ...keyCryptoRoutes({} as never),
  ...certificateRoutes({} as never, {} as never),
];
const table = new DataRouteTable(dataRoutes);

/** Where express sent a request: a data route with what it parsed, another plane, or nowhere. */
type Routed =
  | { kind: 'data'; route: DataRoute; params: Record<string, unknown>; query: Record<string, unknown> }
  | { kind: 'other' | 'unrouted' | 'error' };

function referenceApp(answer: (routed: Routed) => void): express.Express {
  const app = express();
  const other = () => answer({ kind: 'other' });
  for (const path of ['/health', '/metrics', '/replication/status', '/admin/time', '/admin/mode'])
    app.get(path, other);
  for (const route of vaultRoutes({} as never))
    app[route.method.toLowerCase() as 'get' | 'put' | 'patch' | 'delete'](route.path, other);
  app.use('/subscriptions', other);
  for (const route of dataRoutes) {
    app[route.method.toLowerCase() as 'get' | 'put' | 'post' | 'patch' | 'delete'](
      route.path,
      (req: Request) =>
        answer({ kind: 'data', route, params: { ...req.params }, query: { ...(req.query as object) } }),
    );
  }
  app.use(() => answer({ kind: 'unrouted' }));
  app.use((_error: unknown, _req: Request, _res: Response, _next: NextFunction) => answer({ kind: 'error' }));
  return app;
}

/** Runs `url` (already collapsed) through the reference app, with request and response objects of its own. */
function expressRoute(method: string, url: string): Promise<Routed> {
  return new Promise((resolve) => {
    const app = referenceApp(resolve);
    const req = { method, url, headers: { host: 'localhost' } };
    const res = { setHeader: () => {}, getHeader: () => undefined, headersSent: false };
    app(req as never, res as never);
  });
}

/** What the table says, in the reference's terms (undefined: left to express). */
function tableRoute(method: string, url: string): Routed | undefined {
  const routed = table.route(method, url);
  if (!routed) return undefined;
  return { kind: 'data', route: routed.route, params: { ...routed.params }, query: { ...routed.query } };
}

const literalSegments = [
  ...new Set(
    dataRoutes.flatMap((route) => route.path.split(/[/{}]/).filter((s) => s !== '' && !s.startsWith(':'))),
  ),
];

/** One of `words`, in any mixture of cases. */
const anyCase = (words: readonly string[]) =>
  fc
    .constantFrom(...words)
    .chain((s) =>
      fc
        .array(fc.boolean(), { minLength: s.length, maxLength: s.length })
        .map((upper) => [...s].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('')),
    );
const firstSegments = [...new Set(dataRoutes.map((route) => route.path.split('/')[1] ?? ''))];

/** A segment as clients and attackers write them: literals in any case, names, encodings good and bad. */
const segment = fc.oneof(
  fc.constantFrom(...literalSegments),
  anyCase(literalSegments),
  fc.stringMatching(/^[a-zA-Z0-9-]{1,12}$/),
  fc.constantFrom(
    '',
    '..',
    '%41',
    '%2F',
    '%25',
    '%',
    '%G1',
    '%E0%A4',
    'a%20b',
    'ſecrets',
    '\u212aeys',
    'a#b',
    'a b',
    'x;y',
    'u@v',
    'subscriptions',
    'admin',
    'health',
  ),
);
const query = fc.constantFrom(
  '',
  '?',
  '?api-version=7.4',
  '?api-version=2026-04-01&maxresults=2',
  '?api-version=a&api-version=b',
  '?$skiptoken=abc&api-version=7.6',
  '?a=%ZZ',
  '?x=1#frag',
);
const first = fc.oneof(
  { arbitrary: fc.constantFrom(...firstSegments), weight: 3 },
  { arbitrary: anyCase(firstSegments), weight: 1 },
  { arbitrary: segment, weight: 1 },
);
const url = fc
  .tuple(first, fc.array(segment, { minLength: 0, maxLength: 4 }), fc.boolean(), query)
  .map(([head, rest, trailing, q]) =>
    collapseSlashes(`/${[head, ...rest].join('/')}${trailing ? '/' : ''}${q}`),
  );
const method = fc.constantFrom('GET', 'HEAD', 'PUT', 'POST', 'PATCH', 'DELETE', 'OPTIONS');

describe('the data route table', () => {
  const { seed, numRuns, timeoutMs } = fuzzParameters(3000, 2);

  it(
    'routes a request as express does, or leaves it to express',
    async () => {
      let routedByTable = 0;
      await fc.assert(
        fc.asyncProperty(method, url, async (m, u) => {
          const fromTable = tableRoute(m, u);
          if (!fromTable) return;
          routedByTable++;
          expect(await expressRoute(m, u), `${m} ${u}`).toEqual(fromTable);
        }),
        { seed, numRuns },
      );
      // The property holds trivially for a table that routes nothing.
      expect(routedByTable).toBeGreaterThan(numRuns / 10);
    },
    timeoutMs,
  );

  it('routes what the SDKs send', async () => {
    for (const [m, u, path, params] of [
      ['GET', '/secrets/s1/?api-version=7.6', '/secrets/:name{/:version}', { name: 's1' }],
      ['GET', '/secrets/s1/v2?api-version=7.6', '/secrets/:name{/:version}', { name: 's1', version: 'v2' }],
      ['GET', '/secrets/s1/versions?api-version=7.6', '/secrets/:name/versions', { name: 's1' }],
      ['PUT', '/secrets/s1?api-version=7.6', '/secrets/:name', { name: 's1' }],
      ['POST', '/keys/k1/encrypt?api-version=7.6', '/keys/:name{/:version}/encrypt', { name: 'k1' }],
      ['GET', '/deletedsecrets/s%2D1?api-version=7.6', '/deletedsecrets/:name', { name: 's-1' }],
      ['HEAD', '/Secrets/s1?api-version=7.6', '/secrets/:name{/:version}', { name: 's1' }],
    ] as const) {
      const routed = table.route(m, collapseSlashes(u));
      expect(routed?.route.path, `${m} ${u}`).toBe(path);
      expect({ ...routed?.params }).toEqual(params);
      expect(await expressRoute(m, collapseSlashes(u))).toEqual(tableRoute(m, collapseSlashes(u)));
    }
  });

  it('leaves to express what it must answer itself', () => {
    expect(table.route('GET', '/secrets/%E0%A4')).toBeUndefined(); // 400: the name does not decode
    expect(table.route('OPTIONS', '/secrets/s1')).toBeUndefined(); // 405
    expect(table.route('GET', '/health')).toBeUndefined(); // another plane
    expect(table.route('GET', '/secrets/a b')).toBeUndefined(); // express re-parses such a URL
    expect(table.hasPath('/secrets/s1')).toBe(true);
    expect(table.hasPath('/secrets/s1/nothing/here')).toBe(false);
  });

  it("refuses routes of other planes under the data plane's first segments", () => {
    expect(() => table.claim('/secrets/admin')).toThrow(/shadowed/);
    expect(() => table.claim('/Keys')).toThrow(/shadowed/);
    expect(() => table.claim('/subscriptions')).not.toThrow();
    expect(() => new DataRouteTable([{ method: 'GET', path: '/:name' }])).toThrow(/literal segment/);
  });
});
