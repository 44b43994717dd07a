import type { Serializable } from 'node:child_process';
import type { RegionProcesses } from '@vaultover/control';
import { REGION_PROCESS_FAULTS } from '@vaultover/control/settings';
import { ServiceUnavailableError } from '@vaultover/vault';
import { z } from 'zod';

// The control process asks its supervisor (`vaultover up`) for process-level faults over Node's IPC
// channel: only the supervisor holds the region children and the embedded Redis servers.

/** `crash`, `restart`, `redis/stop`, `redis/start`. */
export type RegionProcessFault = (typeof REGION_PROCESS_FAULTS)[number];

/** control → supervisor. */
export interface RegionProcessRequest {
  id: number;
  op: RegionProcessFault;
  region: string;
}

/** supervisor → control. */
export type RegionProcessReply = { id: number; ok: true } | { id: number; ok: false; error: string };

const requestSchema = z.object({
  id: z.number().int(),
  op: z.enum(REGION_PROCESS_FAULTS),
  region: z.string().min(1),
});

const replySchema = z.union([
  z.object({ id: z.number().int(), ok: z.literal(true) }),
  z.object({ id: z.number().int(), ok: z.literal(false), error: z.string() }),
]);

/** The IPC end of a process: `process` in the child, the ChildProcess in the supervisor. */
export interface IpcChannel {
  send?: ((message: Serializable, callback: (error: Error | null) => void) => boolean) | undefined;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'disconnect', listener: () => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

/** Options of {@link ipcRegionProcesses}. */
export interface IpcClientOptions {
  /** How long to wait for the supervisor's answer; a restart waits for the region to be ready. Default 60000. */
  replyTimeoutMs?: number;
}

/**
 * RegionProcesses for a supervised control process: each call is one request to the supervisor and
 * resolves with its reply. A refusal becomes a 503 whose message is the supervisor's reason.
 */
export function ipcRegionProcesses(channel: IpcChannel, options: IpcClientOptions = {}): RegionProcesses {
  const replyTimeoutMs = options.replyTimeoutMs ?? 60_000;
  const pending = new Map<number, (reply: RegionProcessReply) => void>();
  let nextId = 1;
  channel.on('message', (message) => {
    const reply = replySchema.safeParse(message);
    if (reply.success) pending.get(reply.data.id)?.(reply.data);
  });
  channel.on('disconnect', () => {
    for (const settle of pending.values()) settle({ id: 0, ok: false, error: 'the supervisor is gone' });
  });
  const ask = (op: RegionProcessFault, region: string) =>
    new Promise<void>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(
        () => settle({ id, ok: false, error: `no answer from the supervisor within ${replyTimeoutMs} ms` }),
        replyTimeoutMs,
      );
      const settle = (reply: RegionProcessReply) => {
        clearTimeout(timer);
        pending.delete(id);
        if (reply.ok) resolve();
        else reject(new ServiceUnavailableError(`Could not ${describe(op)} ${region}: ${reply.error}`));
      };
      pending.set(id, settle);
      const request: RegionProcessRequest = { id, op, region };
      if (!channel.send) {
        settle({ id, ok: false, error: 'no IPC channel to the supervisor' });
        return;
      }
      // `false` is only backpressure; a closed channel reports through the callback.
      channel.send(request, (error) => {
        if (error) settle({ id, ok: false, error: `cannot reach the supervisor (${error.message})` });
      });
    });
  return {
    crash: (region) => ask('crash', region),
    restart: (region) => ask('restart', region),
    stopRedis: (region) => ask('redis/stop', region),
    startRedis: (region) => ask('redis/start', region),
  };
}

/** Answers a control child's requests with `processes`; returns a function that stops answering. */
export function serveRegionProcesses(channel: IpcChannel, processes: RegionProcesses): () => void {
  const actions: Record<RegionProcessFault, (region: string) => Promise<void>> = {
    crash: (region) => processes.crash(region),
    restart: (region) => processes.restart(region),
    'redis/stop': (region) => processes.stopRedis(region),
    'redis/start': (region) => processes.startRedis(region),
  };
  const onMessage = (message: unknown) => {
    const request = requestSchema.safeParse(message);
    if (!request.success) return;
    const { id, op, region } = request.data;
    // The child may have exited meanwhile: nobody is left to tell. (With a callback, a closed channel
    // reports there instead of as an 'error' event that would take the supervisor down.)
    const reply = (answer: RegionProcessReply) => {
      try {
        channel.send?.(answer, () => {});
      } catch {
        // The channel closed with the child: the answer has nobody to go to.
      }
    };
    actions[op](region).then(
      () => reply({ id, ok: true }),
      (error: unknown) =>
        reply({ id, ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
  };
  channel.on('message', onMessage);
  return () => channel.off('message', onMessage);
}

function describe(op: RegionProcessFault): string {
  switch (op) {
    case 'redis/stop':
      return 'stop the Redis of';
    case 'redis/start':
      return 'start the Redis of';
    default:
      return op;
  }
}
