import { SUPPORTED_API_VERSIONS } from '@vaultover/region';
import fc from 'fast-check';
import {
  type BodyKind,
  bodyDocument,
  encodedBody,
  type ImportMaterial,
  validBody,
} from './data-plane-bodies.ts';
import { percentEncoded } from './percent-encoded.ts';

// Requests to a region's data plane (docs/vault-api.md), as a client or an attacker might write them:
// each route with a name from a small pool (so that requests of one case act on the same objects) or
// any other, valid or not; a version; an api-version; paging parameters; a token or none; headers of
// every framing; a body of the route's kind, or of none.

/** Who a request claims to be: a principal's token, no Authorization, a forged token, another scheme. */
export type Caller = 'admin' | 'reader' | 'none' | 'forged' | 'basic' | 'empty-bearer';

/** How a body is framed: by its length, chunked, or with a Content-Length shorter than it. */
export type Framing = 'length' | 'chunked' | 'short';

export interface DataPlaneRequest {
  readonly method: string;
  /** Path and query as sent. */
  readonly path: string;
  readonly caller: Caller;
  /** Headers besides Authorization and the framing's. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer | undefined;
  readonly framing: Framing;
  /** A Host header other than the one the connection's name gives. */
  readonly host: string | undefined;
}

/** A route: its method, its path from a name and a version, and the kind of its body. */
export type Route = readonly [
  method: string,
  path: (name: string, version: string) => string,
  body?: BodyKind,
];

const lifecycle = (kind: string, restoreBody: BodyKind = 'restore'): Route[] => [
  ['GET', (n) => `/${kind}/${n}/`],
  ['GET', (n, v) => `/${kind}/${n}/${v}`],
  ['DELETE', (n) => `/${kind}/${n}`],
  ['GET', () => `/${kind}`],
  ['GET', (n) => `/${kind}/${n}/versions`],
  ['POST', (n) => `/${kind}/${n}/backup`],
  ['POST', () => `/${kind}/restore`, restoreBody],
  ['GET', () => `/deleted${kind}`],
  ['GET', (n) => `/deleted${kind}/${n}`],
  ['POST', (n) => `/deleted${kind}/${n}/recover`],
  ['DELETE', (n) => `/deleted${kind}/${n}`],
];

export const SECRET_ROUTES: readonly Route[] = [
  ['PUT', (n) => `/secrets/${n}`, 'secret-set'],
  ['PUT', (n) => `/secrets/${n}`, 'secret-set'],
  ['PATCH', (n, v) => `/secrets/${n}/${v}`, 'secret-update'],
  ...lifecycle('secrets'),
];

export const KEY_ROUTES: readonly Route[] = [
  ['POST', (n) => `/keys/${n}/create`, 'key-create'],
  ['POST', (n) => `/keys/${n}/create`, 'key-create'],
  ['PUT', (n) => `/keys/${n}`, 'key-import'],
  ['PATCH', (n, v) => `/keys/${n}/${v}`, 'key-update'],
  ['POST', (n) => `/keys/${n}/rotate`],
  ['GET', (n) => `/keys/${n}/rotationpolicy`],
  ['PUT', (n) => `/keys/${n}/rotationpolicy`, 'rotation-policy'],
  ...['encrypt', 'decrypt', 'wrapkey', 'unwrapkey', 'sign'].map(
    (op): Route => ['POST', (n, v) => `/keys/${n}/${v}/${op}`, 'crypto'],
  ),
  ['POST', (n, v) => `/keys/${n}/${v}/verify`, 'verify'],
  ['POST', () => '/rng', 'random-bytes'],
  ...lifecycle('keys'),
];

export const CERTIFICATE_ROUTES: readonly Route[] = [
  ['POST', (n) => `/certificates/${n}/create`, 'certificate-create'],
  ['POST', (n) => `/certificates/${n}/import`, 'certificate-import'],
  ['PATCH', (n, v) => `/certificates/${n}/${v}`, 'certificate-update'],
  ['GET', (n) => `/certificates/${n}/policy`],
  ['PATCH', (n) => `/certificates/${n}/policy`, 'certificate-policy'],
  ['GET', (n) => `/certificates/${n}/pending`],
  ['DELETE', (n) => `/certificates/${n}/pending`],
  ['PATCH', (n) => `/certificates/${n}/pending`, 'pending-update'],
  ['POST', (n) => `/certificates/${n}/pending/merge`, 'certificate-merge'],
  ...lifecycle('certificates'),
];

/**
 * The names of a case's objects: a few per kind of object, so that a create, a read and a delete meet;
 * and, less often, the other kinds' (a certificate over a key's name is a conflict).
 */
export const NAME_POOLS = {
  secrets: ['fs-1', 'fs-2', 'fs-3'],
  keys: ['fk-1', 'fk-2', 'fk-3'],
  certificates: ['fc-1', 'fc-2', 'fc-3'],
} as const;
export type NamePool = keyof typeof NAME_POOLS;

const pooledName = (pool: NamePool) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...NAME_POOLS[pool]) },
    fc.constantFrom(...Object.values(NAME_POOLS).flat()),
  );

const invalidName = fc.oneof(
  fc.constantFrom(
    '',
    '-',
    'a_b',
    'a.b',
    '.',
    '..',
    'a%20b',
    'a%2Fb',
    'a/b',
    '%ZZ',
    '%E0%A4%A',
    '%00',
    'a%00b',
    '%2e%2e',
    'fz-1%',
    'fz-1;x',
    'fz-1:x',
    "fz-1'",
    'fz-1*',
    '\u00e9',
    'fz-\u00ff',
    'n'.repeat(128),
    'n'.repeat(4000),
  ),
  fc.string({ maxLength: 30 }).map(percentEncoded),
  fc.string({ unit: 'binary', maxLength: 10 }).map(percentEncoded),
);

const validName = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[0-9a-zA-Z-]{1,127}$/) },
  fc.constantFrom('FZ-1', 'n'.repeat(127)),
);

const objectName = (pool: NamePool) =>
  fc.oneof(
    { weight: 8, arbitrary: pooledName(pool) },
    { weight: 3, arbitrary: validName },
    { weight: 3, arbitrary: invalidName },
  );

const version = fc.oneof(
  { weight: 4, arbitrary: fc.constant('') },
  { weight: 2, arbitrary: fc.stringMatching(/^[0-9a-f]{32}$/) },
  { weight: 1, arbitrary: fc.constantFrom('latest', 'versions', 'x', '..', '%ZZ', 'backup') },
  { weight: 1, arbitrary: invalidName },
);

const apiVersion = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...SUPPORTED_API_VERSIONS).map((v) => `api-version=${v}`) },
  fc.constantFrom(
    '',
    'api-version=',
    'api-version=7',
    'api-version=2020-01-01',
    'api-version=7.6&api-version=7.6',
    'api-version=7.5&api-version=7.6',
    'API-VERSION=7.6',
    'api-version=7.6%00',
    'api-version=%ZZ',
    'api-version[]=7.6',
    'api-version[a]=7.6',
    'api-version=7.6-preview.99',
    'api-version=%207.6',
  ),
  fc.string({ maxLength: 20 }).map((text) => `api-version=${percentEncoded(text)}`),
);

const skipToken = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }).map((value) => Buffer.from(JSON.stringify(value)).toString('base64url')),
  fc.string({ maxLength: 30 }).map(percentEncoded),
);

const queryParameter = fc.oneof(
  fc
    .constantFrom('1', '25', '26', '0', '-1', 'abc', '1.5', '', '1e1', '%201', '0x10', '99999999999999999999')
    .map((n) => `maxresults=${n}`),
  skipToken.map((token) => `$skiptoken=${token}`),
  fc
    .tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 }))
    .map(([key, value]) => `${percentEncoded(key)}=${percentEncoded(value)}`),
  fc.constantFrom(
    '&',
    '=',
    '==',
    '%',
    'a[b]=c',
    'a[b][c][d]=e',
    '__proto__[x]=1',
    'constructor[prototype][x]=1',
  ),
);

const query = fc
  .tuple(apiVersion, fc.array(queryParameter, { maxLength: 3 }), fc.boolean())
  .map(([version, rest, versionFirst]) => {
    const parts = versionFirst ? [version, ...rest] : [...rest, version];
    const text = parts.filter((part) => part !== '').join('&');
    return text === '' ? '' : `?${text}`;
  });

/** Methods a client can send: the service's, others Node parses, and one it does not know. */
const otherMethod = fc.constantFrom(
  'GET',
  'PUT',
  'POST',
  'PATCH',
  'DELETE',
  'HEAD',
  'OPTIONS',
  'PROPFIND',
  'SEARCH',
  'FOO',
);

const caller = fc.oneof(
  { weight: 16, arbitrary: fc.constant<Caller>('admin') },
  fc.constantFrom<Caller>('reader', 'none', 'forged', 'basic', 'empty-bearer'),
);

const contentType = fc.oneof(
  { weight: 16, arbitrary: fc.constant('application/json') },
  fc.constantFrom(
    'application/json; charset=utf-8',
    'Application/JSON',
    'application/json;charset="UTF-8"',
    'application/json; charset=utf8',
    'application/json; charset=utf-16',
    'application/json; charset=bogus',
    'application/json; charset',
    'application/json; charset=',
    'application/json;;;',
    'application/json; foo=bar; charset=utf-8',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    '*/*',
    ';',
    '',
  ),
  fc.constant(undefined),
);

const contentEncoding = fc.oneof(
  { weight: 16, arbitrary: fc.constant(undefined) },
  fc.constantFrom('identity', 'IDENTITY', 'gzip', 'br', 'deflate', 'identity, gzip', ''),
);

/** Header values a client may send: printable ASCII, Latin-1, and long ones near and past the 16 KB head. */
const headerValue = fc.oneof(
  { weight: 10, arbitrary: fc.stringMatching(/^[\x20-\x7e]{0,60}$/) },
  { weight: 2, arbitrary: fc.stringMatching(/^[\x80-\xff]{1,10}$/) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(8 * 1024, 15 * 1024, 16 * 1024, 17 * 1024).map((size) => 'h'.repeat(size)),
  },
);

const extraHeaders = fc.oneof(
  // Node's client then sends the body chunked, and the node answers before it has come.
  fc.constant({ expect: '100-continue' }),
  fc.dictionary(
    fc.oneof(
      fc.constantFrom(
        'x-ms-client-request-id',
        'accept',
        'accept-encoding',
        'user-agent',
        'x-forwarded-for',
        'x-forwarded-host',
        'cookie',
        'if-match',
        'range',
        'expect',
      ),
      fc.stringMatching(/^x-[a-z0-9-]{1,20}$/),
    ),
    headerValue,
    { maxKeys: 2, size: '-1' },
  ),
);

/** Host headers: the vault's in another case or with a port, another vault's, and malformed ones. */
const host = fc.oneof(
  { weight: 12, arbitrary: fc.constant(undefined) },
  fc.constantFrom(
    'localhost',
    'FUZZVAULT.localhost',
    'fuzzvault.localhost:1',
    'nothere.localhost',
    '127.0.0.1',
    '[::1]',
    '[',
    'a b',
    '',
    ':443',
    'localhost.',
    '..localhost',
    'x'.repeat(300),
  ),
);

const framing = fc.oneof(
  { weight: 10, arbitrary: fc.constant<Framing>('length') },
  fc.constantFrom<Framing>('chunked', 'short'),
);

/**
 * The headers of a HEAD request, without long ones: a head over the 16 KB limit is answered with a JSON
 * body, which a HEAD client cannot read, because the server cannot tell the method of a request whose head
 * it refused over TLS (docs/reliability.md#fuzzing, what is not fuzzed).
 */
export function headSafe(method: string, headers: Record<string, string>): Record<string, string> {
  if (method !== 'HEAD') return headers;
  return Object.fromEntries(Object.entries(headers).filter(([, value]) => value.length <= 1024));
}

/**
 * A part of a request: as a client of the service writes it, or in one case of 15 anything `wild` gives.
 * With a dozen parts, about half the requests are entirely valid, so that objects get created and the
 * refusals that follow meet them; the rest have a part or two wrong.
 */
const part = <T>(clean: fc.Arbitrary<T>, wild: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 14, arbitrary: clean }, wild);

const validQuery = fc
  .tuple(fc.constantFrom(...SUPPORTED_API_VERSIONS), fc.option(fc.integer({ min: 1, max: 25 }), { freq: 3 }))
  .map(([v, max]) => `?api-version=${v}${max === null ? '' : `&maxresults=${max}`}`);

/** A request to one of `routes`, mostly as the route wants it, with any of its parts wrong. */
export function dataPlaneRequest(
  routes: readonly Route[],
  pool: NamePool,
  material: ImportMaterial,
): fc.Arbitrary<DataPlaneRequest> {
  return fc
    .record({
      route: fc.constantFrom(...routes),
      name: part(fc.oneof({ weight: 4, arbitrary: pooledName(pool) }, validName), objectName(pool)),
      version: part(fc.constant(''), version),
      method: part(fc.constant(undefined), otherMethod),
      query: part(validQuery, query),
      caller: part(fc.constant<Caller>('admin'), caller),
      contentType: part(fc.constantFrom('application/json', 'application/json; charset=utf-8'), contentType),
      contentEncoding: part(fc.constant(undefined), contentEncoding),
      headers: part(fc.constant({}), extraHeaders),
      host: part(fc.constant(undefined), host),
      framing: part(fc.constant<Framing>('length'), framing),
      // A body for a route that takes none, now and then.
      strayBody: part(fc.constant(undefined), fc.constantFrom<BodyKind>('secret-set', 'crypto')),
      wildBody: fc.nat(5).map((n) => n === 0),
    })
    .chain((parts) => {
      const [routeMethod, path, routeBody] = parts.route;
      const kind = routeBody ?? parts.strayBody;
      const body =
        kind === undefined
          ? fc.constant(undefined)
          : parts.wildBody
            ? encodedBody(bodyDocument(kind, material))
            : validBody(kind, material).map((document) => Buffer.from(JSON.stringify(document)));
      const method = parts.method ?? routeMethod;
      return body.map(
        (bytes): DataPlaneRequest => ({
          method,
          path: `${path(parts.name, parts.version)}${parts.query}`,
          caller: parts.caller,
          headers: {
            ...headSafe(method, parts.headers),
            ...(parts.contentType === undefined || bytes === undefined
              ? {}
              : { 'content-type': parts.contentType }),
            ...(parts.contentEncoding === undefined ? {} : { 'content-encoding': parts.contentEncoding }),
          },
          body: bytes,
          framing: bytes !== undefined && bytes.length > 1 ? parts.framing : 'length',
          host: parts.host,
        }),
      );
    });
}

/** Paths of any shape, from the service's own words and others, for requests no route may expect. */
export const anyDataPlanePath: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(
      fc.oneof(
        fc.constantFrom(
          'secrets',
          'keys',
          'certificates',
          'deletedsecrets',
          'deletedkeys',
          'deletedcertificates',
          'rng',
          'versions',
          'backup',
          'restore',
          'recover',
          'create',
          'import',
          'rotate',
          'rotationpolicy',
          'policy',
          'pending',
          'encrypt',
          'verify',
          'health',
          'metrics',
          'admin',
          'replication',
          'status',
          'subscriptions',
          '',
          '..',
        ),
        objectName('secrets'),
      ),
      { maxLength: 6 },
    ),
    query,
  )
  .map(([segments, q]) => `/${segments.join('/')}${q}`);
