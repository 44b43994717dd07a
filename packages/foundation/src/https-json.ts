import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import { CodedError } from './coded-error.ts';

/** One request of {@link httpsJson}. */
export interface HttpsJsonRequest {
  readonly method: string;
  readonly url: string;
  /** The CA to trust (the deployment's). */
  readonly ca: string;
  /** Sent as `Authorization: Bearer <token>` when given. */
  readonly token?: string | undefined;
  /** Sent as JSON when given. */
  readonly body?: unknown;
  /** Default 10 000. */
  readonly timeoutMs?: number | undefined;
}

/** Its answer: `body` is the parsed JSON, or the text as it came when it is not JSON (an error page). */
export interface HttpsJsonReply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  readonly body: unknown;
}

/** No answer came within the request's time. */
export class NoAnswerError extends CodedError<'NoAnswer'> {
  readonly code = 'NoAnswer';
}

/**
 * One HTTPS request with a JSON body and a JSON answer, trusting one CA: how the command line, the
 * scenario runner and the tests talk to a deployment's APIs. Any status resolves (the caller decides what
 * it means); a connection failure rejects with Node's error, silence with NoAnswerError.
 */
export function httpsJson(call: HttpsJsonRequest): Promise<HttpsJsonReply> {
  const payload = call.body === undefined ? undefined : Buffer.from(JSON.stringify(call.body));
  const timeoutMs = call.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const req = request(
      call.url,
      {
        method: call.method,
        ca: call.ca,
        headers: {
          accept: 'application/json',
          ...(call.token === undefined ? {} : { authorization: `Bearer ${call.token}` }),
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': String(payload.length) }
            : {}),
        },
        timeout: timeoutMs,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: parsed(text) }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new NoAnswerError(`${call.method} ${call.url}: no answer within ${timeoutMs} ms`)),
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function parsed(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
