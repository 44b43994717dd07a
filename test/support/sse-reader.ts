import type { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';

/** One Server-Sent Event as the browser's EventSource would dispatch it. */
export interface SseMessage {
  readonly event: string;
  readonly id: string | undefined;
  readonly data: string;
}

/** An open event stream: what has arrived so far, and a way to hang up. */
export interface SseReader {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly messages: readonly SseMessage[];
  /** The body as text, when the answer was not a stream (an error reply). */
  text(): string;
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  close(): void;
}

/**
 * Opens `GET <url>` with `headers`, trusting `ca`, and parses the body as text/event-stream (the WHATWG
 * framing: fields up to a blank line, `data` lines joined, comments and `retry` skipped) as it arrives.
 * Resolves once the answer's headers are in.
 */
export function openEventStream(
  url: string,
  ca: string,
  headers: Record<string, string>,
): Promise<SseReader> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, headers, agent: false }, (res) => {
      const messages: SseMessage[] = [];
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const message = parseBlock(block);
          if (message) messages.push(message);
        }
      });
      res.on('error', () => {});
      const ended = new Promise<void>((done) => res.once('end', () => done()));
      resolve({
        ended,
        status: res.statusCode ?? 0,
        headers: res.headers,
        messages,
        text: () => buffer,
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
  });
}

function parseBlock(block: string): SseMessage | undefined {
  let event = 'message';
  let id: string | undefined;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':');
    if (colon === 0) continue;
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'id') id = value;
    else if (field === 'data') data.push(value);
  }
  return data.length === 0 ? undefined : { event, id, data: data.join('\n') };
}
