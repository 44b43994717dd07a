import { Writable } from 'node:stream';
import { withLogSerializers } from '@vaultover/foundation/logging';
import { createRedisClient } from '@vaultover/foundation/redis';
import { createRedisProvider, type RedisInstance, type RedisProvider } from '@vaultover/local-redis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// ioredis puts a failed command's arguments on its errors; a region or the control process logs such
// errors. These are the two that matter, from a real Redis: a script refused (its arguments are sealed
// values and tags) and a connection refused for a wrong password (HELLO carries the password).

let provider: RedisProvider;
let server: RedisInstance;

beforeAll(async () => {
  provider = createRedisProvider({ kind: 'embedded' });
  [server] = (await provider.start(['logs'])) as [RedisInstance];
});

afterAll(async () => {
  await provider?.stop();
});

/** A logger with Vaultover's serializers, and the JSON lines it wrote. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: withLogSerializers(pino({ level: 'info' }, sink)), lines };
}

describe('Redis errors in the logs', () => {
  it("keep a failed script's name and drop its arguments", async () => {
    const { logger, lines } = capturingLogger();
    const redis = createRedisClient(server.url, { maxRetriesPerRequest: 0 });
    try {
      const error = await redis
        .eval("return redis.error_reply('Refused')", 0, 'sealed-value-4f1c')
        .catch((e) => e);
      expect(error).toBeInstanceOf(Error);
      logger.error({ err: error }, 'commit failed');
    } finally {
      redis.disconnect();
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]?.err).toMatchObject({ command: { name: 'eval' } });
    expect(JSON.stringify(lines[0])).not.toContain('sealed-value-4f1c');
  });

  it('never carry the password of a refused connection', async () => {
    const { logger, lines } = capturingLogger();
    const wrong = new URL(server.url);
    wrong.password = 'wrong-password-9d2e';
    const redis = createRedisClient(wrong.toString(), {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    // The password's refusal reaches the client's 'error' listeners (as a region's reconnecting clients
    // log it), not the command that waited for the connection.
    const refused = new Promise<Error>((resolve) => redis.once('error', resolve));
    try {
      await redis.connect().catch(() => {});
      logger.warn({ err: await refused }, 'store unreachable');
    } finally {
      redis.disconnect();
    }
    const written = JSON.stringify(lines);
    expect(lines).toHaveLength(1);
    expect(written).not.toContain('wrong-password-9d2e');
    expect(lines[0]?.err).toMatchObject({ command: { name: 'hello' } });
  });
});
