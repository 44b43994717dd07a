import fc from 'fast-check';
import { encodedBody } from './data-plane-bodies.ts';
import { validFaultRule } from './fault-rules.ts';
import { hostileValue } from './hostile-values.ts';
import { mutatedDocument } from './mutations.ts';
import { percentEncoded } from './percent-encoded.ts';

// Requests to the control API (docs/control-api.md): every route with its query and body, valid or
// not; fault ids that name a stored rule (resolved when the request is sent) or none; toxiproxy's link
// routes; callers with and without an administrator's token or a session cookie.

/** Who a request claims to be. */
export type ControlCaller = 'admin' | 'reader' | 'none' | 'forged' | 'cookie' | 'cookie-and-admin';

/** Stands for the id of the first or last stored fault rule, put in when the request is sent. */
export const FIRST_RULE = '{first-rule}';
export const LAST_RULE = '{last-rule}';

export interface ControlRequest {
  readonly method: string;
  readonly path: string;
  readonly caller: ControlCaller;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer | undefined;
}

const oddSegment = fc.oneof(
  fc.constantFrom(
    '',
    '..',
    '%ZZ',
    '%00',
    '%2F',
    'a%2Fb',
    '\u00e9',
    'x'.repeat(300),
    '__proto__',
    'constructor',
  ),
  fc.string({ maxLength: 20 }).map(percentEncoded),
);

const region = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('westeurope', 'northeurope') },
  fc.constantFrom('WestEurope', 'control', 'eastus'),
  oddSegment,
);

const ruleId = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(FIRST_RULE, LAST_RULE) },
  fc.stringMatching(/^[0-9a-f]{10}$/),
  oddSegment,
);

const eventId = fc.oneof(
  fc.constantFrom('0-0', '1700000000000-0', '99999999999999999999-0', '-1', '1-', 'x', ''),
  fc.tuple(fc.nat(), fc.nat()).map(([ms, seq]) => `${ms}-${seq}`),
  oddSegment,
);

const eventsQuery = fc
  .record(
    {
      since: eventId,
      limit: fc.oneof(
        fc.integer({ min: 1, max: 10_000 }).map(String),
        fc.constantFrom('0', '-1', '10001', '1.5', 'abc', '', '1e3', '0x10'),
      ),
      twice: fc.boolean(),
    },
    { requiredKeys: [] },
  )
  .map(({ since, limit, twice }) => {
    const parts = [
      ...(since === undefined ? [] : [`since=${percentEncoded(since)}`]),
      ...(limit === undefined ? [] : [`limit=${percentEncoded(limit)}`]),
      ...(twice ? ['limit=5', 'since=0-0'] : []),
    ];
    return parts.length === 0 ? '' : `?${parts.join('&')}`;
  });

const toxic = fc.record(
  {
    name: fc.oneof(fc.constantFrom('slow', 'cut', 'a/b', ''), fc.string({ maxLength: 20 })),
    type: fc.constantFrom(
      'latency',
      'bandwidth',
      'blackhole',
      'timeout',
      'reset_peer',
      'slicer',
      '__proto__',
    ),
    stream: fc.constantFrom('upstream', 'downstream', 'both', 'sideways'),
    toxicity: fc.double({ min: 0, max: 1, noNaN: true }),
    attributes: fc.record(
      {
        latency: fc.integer({ min: 0, max: 10_000 }),
        jitter: fc.integer({ min: 0, max: 1000 }),
        rate: fc.integer({ min: 0, max: 10_000 }),
        timeout: fc.integer({ min: 0, max: 10_000 }),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['type'] },
);

const anyDocument = (valid: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 3, arbitrary: valid },
    { weight: 4, arbitrary: mutatedDocument(valid).map(({ document }) => document) },
    { weight: 1, arbitrary: hostileValue },
  );

const noBody = fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, encodedBody(hostileValue));

type RouteParts = Pick<ControlRequest, 'method' | 'path' | 'body'>;

const route = (
  method: string | fc.Arbitrary<string>,
  path: fc.Arbitrary<string>,
  body: fc.Arbitrary<Buffer | undefined> = noBody,
): fc.Arbitrary<RouteParts> =>
  fc.record({ method: typeof method === 'string' ? fc.constant(method) : method, path, body });

const links = '/api/links';
const proxy = fc.oneof({ weight: 4, arbitrary: fc.constant('global-endpoint') }, oddSegment);
const toxicName = fc.oneof(fc.constantFrom('slow', 'cut', 'latency_downstream'), oddSegment);

const ROUTES: fc.Arbitrary<RouteParts> = fc.oneof(
  route('GET', fc.constant('/api/status')),
  route(
    'GET',
    eventsQuery.map((q) => `/api/events${q}`),
  ),
  route(
    'GET',
    eventsQuery.map((q) => `/api/events/stream${q}`),
  ),
  route('POST', fc.constant('/api/failover')),
  route('POST', fc.constant('/api/failback')),
  route('POST', fc.constantFrom('/api/monitor/pause', '/api/monitor/resume')),
  route(
    'POST',
    fc
      .tuple(
        region,
        fc.constantFrom('crash', 'restart', 'redis/stop', 'redis/start', 'health/fail', 'health/ok', 'fly'),
      )
      .map(([name, fault]) => `/api/regions/${name}/${fault}`),
  ),
  {
    weight: 6,
    arbitrary: route('POST', fc.constant('/api/faults'), encodedBody(anyDocument(validFaultRule))),
  },
  route('GET', fc.constant('/api/faults')),
  route(
    'GET',
    ruleId.map((id) => `/api/faults/${id}`),
  ),
  {
    weight: 2,
    arbitrary: route(
      'DELETE',
      ruleId.map((id) => `/api/faults/${id}`),
    ),
  },
  route('DELETE', fc.constant('/api/faults')),
  route('POST', fc.constant('/api/login-tokens')),
  route('GET', fc.constant('/api/session')),
  route('DELETE', fc.constant('/api/session')),
  route('GET', fc.constantFrom(`${links}/proxies`, `${links}/proxies/global-endpoint/toxics`)),
  route(
    'GET',
    proxy.map((name) => `${links}/proxies/${name}`),
  ),
  route(
    'POST',
    proxy.map((name) => `${links}/proxies/${name}`),
    encodedBody(anyDocument(fc.record({ enabled: fc.boolean() }))),
  ),
  {
    weight: 3,
    arbitrary: route(
      'POST',
      proxy.map((name) => `${links}/proxies/${name}/toxics`),
      encodedBody(anyDocument(toxic)),
    ),
  },
  route(
    fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE'),
    fc.tuple(proxy, toxicName).map(([name, t]) => `${links}/proxies/${name}/toxics/${t}`),
    encodedBody(anyDocument(toxic)),
  ),
  route('POST', fc.constantFrom(`${links}/reset`, `${links}/resets`, `${links}`, `${links}/`)),
  route('GET', fc.constant('/metrics')),
  route(
    'GET',
    fc.array(oddSegment, { maxLength: 4 }).map((segments) => `/api/${segments.join('/')}`),
  ),
);

const caller = fc.oneof(
  { weight: 12, arbitrary: fc.constant<ControlCaller>('admin') },
  fc.constantFrom<ControlCaller>('reader', 'none', 'forged', 'cookie', 'cookie-and-admin'),
);

const otherMethod = fc.constantFrom('GET', 'PUT', 'POST', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'FOO');

const headers = fc.oneof(
  { weight: 8, arbitrary: fc.constant({}) },
  fc.record(
    {
      'content-type': fc.constantFrom(
        'application/json',
        'text/plain',
        'application/x-www-form-urlencoded',
        '',
      ),
      'content-encoding': fc.constantFrom('gzip', 'identity'),
      'last-event-id': eventId,
      expect: fc.constantFrom('100-continue', 'nothing'),
      'x-vaultover-csrf': fc.constantFrom('', 'forged'),
      'x-padding': fc.constantFrom(8 * 1024, 17 * 1024).map((size) => 'p'.repeat(size)),
    },
    { requiredKeys: [] },
  ),
);

/** A request to the control API: a route as documented, now and then with another method. */
export const controlRequest: fc.Arbitrary<ControlRequest> = fc
  .record({
    parts: ROUTES,
    method: fc.oneof({ weight: 14, arbitrary: fc.constant(undefined) }, otherMethod),
    caller,
    headers,
  })
  .map(({ parts, method, caller: who, headers: extra }) => {
    const chosen = method ?? parts.method;
    // A head over 16 KB is answered with a body a HEAD client cannot read (docs/reliability.md).
    const { 'x-padding': padding, ...rest } = extra as Record<string, string>;
    return {
      method: chosen,
      path: parts.path,
      caller: who,
      headers: chosen === 'HEAD' || padding === undefined ? rest : { ...rest, 'x-padding': padding },
      body: parts.body,
    };
  });
