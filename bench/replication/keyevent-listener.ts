import { Redis } from 'ioredis';

/** Hears applied items: `at` is when the notification arrived, as epoch ms with µs precision. */
export type AppliedListener = (prefix: string, seq: number, at: number) => void;

/**
 * Subscribes to `__keyevent@0__:<event>` on the replica's Redis and calls `listener` for each key that
 * matches `pattern` (groups: prefix, seq). Redis pushes the notification as it runs the command (inside
 * a script too), so the message leaves in the same event-loop turn as the apply; nothing polls, which on
 * a 2-core machine would steal the CPU the replication needs. `flags` is the replica's
 * notify-keyspace-events setting (`E` plus the command class). Returns the unsubscribe.
 */
export async function listenForKeyEvents(
  url: string,
  flags: string,
  event: string,
  pattern: RegExp,
  listener: AppliedListener,
): Promise<() => void> {
  const admin = new Redis(url);
  try {
    await admin.config('SET', 'notify-keyspace-events', flags);
  } finally {
    admin.disconnect();
  }
  const subscriber = new Redis(url);
  subscriber.on('message', (_channel: string, key: string) => {
    const at = performance.timeOrigin + performance.now();
    const match = pattern.exec(key);
    if (match) listener(match[1] ?? '', Number(match[2]), at);
  });
  await subscriber.subscribe(`__keyevent@0__:${event}`);
  return () => subscriber.disconnect();
}
