import { connect } from 'node:net';

/**
 * The code word of a Redis server's first reply to `command` sent as an inline command on a bare
 * connection, without credentials and no client library in between (ioredis's own handshake would fail
 * first and hide the reply): `NOAUTH`, `WRONGPASS`, or the reply itself when it is not an error.
 */
export async function anonymousRedisReply(port: number, command: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  try {
    socket.write(`${command}\r\n`);
    const [chunk] = (await socket.take(1).toArray()) as Buffer[];
    const reply = chunk?.toString('utf8') ?? '';
    return reply.startsWith('-') ? (reply.slice(1).split(/\s/)[0] ?? '') : reply.trim();
  } finally {
    socket.destroy();
  }
}
