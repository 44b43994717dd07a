import { connect, type Socket } from 'node:net';
import { encodeProxyHeader } from '@vaultover/contract';
import type { ConnectionToxics } from '@vaultover/link-proxy';
import type { ForwardTarget } from './local-replies.ts';

/** How a relay attempt ended: relaying (the region answered), or why not. */
export type RelayStart =
  | { readonly kind: 'relaying'; readonly upstream: Socket }
  /** `answerable`: the client's bytes were put back, so the gateway can terminate TLS and answer itself. */
  | { readonly kind: 'failed'; readonly reason: string; readonly answerable: boolean }
  | { readonly kind: 'client-aborted' };

// Copies of the client's bytes kept until the region's first byte, to answer locally if it never comes:
// a TLS ClientHello is well under this. A client that sends more before any answer loses that fallback.
const REPLAY_LIMIT = 64 * 1024;
// The region's bytes are read into a buffer of the connection's own (a TLS record is at most 16 KB and
// some bytes): Node's default allocates 64 KB for every read, and pushes each chunk through a stream.
const UPSTREAM_READ_BYTES = 16 * 1024 + 512;

/**
 * Connects to the region, sends it a PROXY v2 header (the client's addresses, the epoch), and carries the
 * bytes both ways through the client link's toxics (backpressure: nothing is buffered beyond the sockets'
 * own high-water marks and what a toxic holds). Resolves once the region sends its first byte. When the
 * region cannot be reached, or says nothing within `timeoutMs` of the client's first byte, it resolves
 * `failed` with the client's socket paused and its bytes put back, for a local answer.
 */
export function startRelay(
  client: Socket,
  toxics: ConnectionToxics,
  target: ForwardTarget,
  timeoutMs: number,
): Promise<RelayStart> {
  return new Promise((resolve) => {
    const base = new URL(target.url);
    const readBuffer = Buffer.allocUnsafe(UPSTREAM_READ_BYTES);
    const upstream = connect({
      host: base.hostname.replace(/^\[|\]$/g, ''),
      port: Number(base.port || 443),
      noDelay: true,
      // Handed to the client link's toxics as read, no copy when none acts (Link.carry); false stops
      // reading into the buffer until the client's socket has taken what lies in it.
      onread: {
        buffer: readBuffer,
        callback: (bytes: number) => {
          if (!settled) onFirstByte();
          return toxics.carryFromServer(readBuffer.subarray(0, bytes));
        },
      },
    });
    const sent: Buffer[] = [];
    let sentBytes = 0;
    let settled = false;
    const settle = (start: RelayStart) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.off('close', onClientClose);
      client.off('data', keep);
      upstream.off('end', onEarlyEnd);
      resolve(start);
    };
    const onClientClose = () => {
      upstream.destroy();
      settle({ kind: 'client-aborted' });
    };
    const fail = (reason: string) => {
      if (settled) return;
      toxics.unwire();
      client.off('data', keep);
      client.pause();
      upstream.destroy();
      // The region consumed nothing that counts: the local TLS server reads the same bytes.
      if (sentBytes > 0 && sentBytes <= REPLAY_LIMIT) client.unshift(Buffer.concat(sent, sentBytes));
      settle({ kind: 'failed', reason, answerable: sentBytes <= REPLAY_LIMIT });
    };
    const keep = (chunk: Buffer) => {
      // The region can only answer once the client has spoken (its ClientHello): wait from then on, so
      // that a client that connects ahead of time and stays silent is not taken for a silent region.
      // Not while a client-link toxic acts: the bytes may be held or swallowed on their way, and the
      // client is to see that, not an answer of the gateway's.
      if (sentBytes === 0 && !toxics.active) timer = setTimeout(() => fail('ETIMEDOUT'), timeoutMs);
      sentBytes += chunk.length;
      if (sentBytes <= REPLAY_LIMIT) sent.push(chunk);
    };
    const onFirstByte = () => settle({ kind: 'relaying', upstream });
    // A region that closes before answering is answered for locally: its end is not passed on.
    const onEarlyEnd = () => fail('closed without answering');
    // Connecting, then waiting for the region's first byte after the client's first: timeoutMs each.
    let timer = setTimeout(() => fail('ETIMEDOUT'), timeoutMs);
    client.once('close', onClientClose);
    upstream.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
    upstream.once('connect', () => {
      clearTimeout(timer);
      upstream.write(
        encodeProxyHeader({
          source: { address: client.remoteAddress ?? '', port: client.remotePort ?? 0 },
          destination: { address: client.localAddress ?? '', port: client.localPort ?? 0 },
          epoch: target.epoch,
        }),
      );
      client.on('data', keep);
      // Before the links' own listener, so that this sees an early end first.
      upstream.once('end', onEarlyEnd);
      toxics.wire(client, upstream, 'handed');
    });
  });
}
