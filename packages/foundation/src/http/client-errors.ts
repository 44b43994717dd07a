import {
  type IncomingMessage,
  maxHeaderSize,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { Socket } from 'node:net';
import { closeAfterAnswer } from './close-after-answer.ts';
import { errorEnvelope } from './error-envelope.ts';

/** How long a connection refused by its HTTP parser is read on after the answer, before it is dropped. */
const LINGER_MS = 2000;

export interface ClientErrorOptions {
  /** Headers every such answer carries besides the envelope's (a region's `x-ms-keyvault-region`…). */
  headers?: () => Record<string, string>;
  /** Default 2000. */
  lingerMs?: number;
}

/** The answer to a request Node's HTTP parser refused or timed out; undefined: the client is gone. */
interface ClientErrorReply {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

/**
 * Answers what Node's HTTP parser refuses (a malformed request, headers over the size limit, bytes past a
 * Content-Length, a request that did not arrive in time) in the service's JSON error format, with
 * `Connection: close`, and closes the connection without a reset ({@link closeAfterAnswer}). Node's own
 * answer has an empty body and destroys the socket at once. A connection whose current request is still
 * being answered when the bytes after it fail to parse gets that answer, marked `Connection: close`, and
 * nothing more: its client sent one request, and must not read a second answer.
 *
 * Also answers in that format the one request Node refuses by itself once parsed: an `Expect` other than
 * `100-continue` (417, which Node sends with an empty body); the connection stays usable.
 */
export function answerClientErrors(server: Server, options: ClientErrorOptions = {}): void {
  const answered = new WeakSet<Socket>();
  const lingerMs = options.lingerMs ?? LINGER_MS;
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const expectation = String(req.headers.expect).slice(0, 60);
    const body = errorEnvelope(
      'ExpectationFailed',
      `The expectation '${expectation}' is not supported: only 100-continue is.`,
    );
    res.writeHead(417, { ...jsonHeaders(body), ...options.headers?.() }).end(body);
  });
  server.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Socket) => {
    // The parser reports again for every later chunk of a connection it has refused: answered once.
    if (answered.has(socket)) return;
    answered.add(socket);
    const reply = clientErrorReply(error);
    if (!reply || !socket.writable) return void socket.destroy();
    // Node's own bookkeeping of the response being written on the socket (its default handler reads it too).
    const pending = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (pending && !pending.writableFinished) {
      if (!pending.headersSent) pending.setHeader('connection', 'close');
      pending.once('finish', () => closeAfterAnswer(socket, lingerMs));
      return;
    }
    socket.write(rawAnswer(reply, options.headers?.() ?? {}, answersHead(error)));
    closeAfterAnswer(socket, lingerMs);
  });
}

/**
 * Whether the refused request is a HEAD, whose answer must have no body (a HEAD client reads the body of
 * an error as bytes after the answer, and fails). Node hands over the chunk it was parsing: it starts with
 * the method when the error is in the request line or in a head that came in one piece. A head refused
 * further on (over the size limit, in a later TLS record) cannot be told apart: its answer keeps its body.
 */
function answersHead(error: NodeJS.ErrnoException & { rawPacket?: Buffer }): boolean {
  return error.rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ';
}

/**
 * What to answer for a parser or timeout error of Node's (by its code, never its message); undefined for
 * any other (a reset, a failed TLS handshake): nothing can be answered on that connection.
 */
function clientErrorReply(error: NodeJS.ErrnoException): ClientErrorReply | undefined {
  const code = error.code ?? '';
  if (code !== 'ERR_HTTP_REQUEST_TIMEOUT' && !code.startsWith('HPE_')) return undefined;
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      // 400, as IIS and HTTP.sys answer (KB 2020943, "Request Header too long"), not Node's 431.
      return {
        status: 400,
        code: 'BadRequest',
        message: `The request line and headers are longer than ${maxHeaderSize} bytes (request header too long).`,
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        code: 'RequestTimeout',
        message: 'The request did not arrive in time: its headers, or its body, took too long.',
      };
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return { status: 400, code: 'BadRequest', message: 'The Content-Length header is not valid.' };
    case 'HPE_INVALID_TRANSFER_ENCODING':
    case 'HPE_INVALID_CHUNK_SIZE':
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 400, code: 'BadRequest', message: 'The chunked request body is malformed.' };
    default:
      return {
        status: 400,
        code: 'BadRequest',
        message:
          'The request is not valid HTTP/1.1 (or bytes followed the body its Content-Length announced); ' +
          'the connection is closed.',
      };
  }
}

function jsonHeaders(body: string): Record<string, string> {
  return {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-cache',
  };
}

/** The answer as bytes: headers and, unless it answers a HEAD, the envelope. */
function rawAnswer(reply: ClientErrorReply, extra: Record<string, string>, head: boolean): string {
  const body = errorEnvelope(reply.code, reply.message);
  const headers: Record<string, string> = { ...jsonHeaders(body), ...extra, connection: 'close' };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status]}\r\n${lines.join('')}\r\n${head ? '' : body}`;
}
