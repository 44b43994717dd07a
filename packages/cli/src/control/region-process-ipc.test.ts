import { EventEmitter } from 'node:events';
import type { RegionProcesses } from '@vaultover/control';
import { describe, expect, it } from 'vitest';
import { type IpcChannel, ipcRegionProcesses, serveRegionProcesses } from './region-process-ipc.ts';

/** Two ends of an in-memory IPC channel, delivering asynchronously like Node's. */
function channelPair(): { control: IpcChannel & EventEmitter; supervisor: IpcChannel & EventEmitter } {
  const control = new EventEmitter() as IpcChannel & EventEmitter;
  const supervisor = new EventEmitter() as IpcChannel & EventEmitter;
  control.send = (message) => {
    setImmediate(() => supervisor.emit('message', structuredClone(message)));
    return true;
  };
  supervisor.send = (message) => {
    setImmediate(() => control.emit('message', structuredClone(message)));
    return true;
  };
  return { control, supervisor };
}

function recordingProcesses(calls: string[], failing = new Set<string>()): RegionProcesses {
  const act = (op: string) => async (region: string) => {
    calls.push(`${op} ${region}`);
    if (failing.has(op)) throw new Error(`${op} is not possible with external Redis`);
  };
  return {
    crash: act('crash'),
    restart: act('restart'),
    stopRedis: act('stopRedis'),
    startRedis: act('startRedis'),
  };
}

describe('region process IPC', () => {
  it('carries each fault to the supervisor and resolves with its answer', async () => {
    const { control, supervisor } = channelPair();
    const calls: string[] = [];
    serveRegionProcesses(supervisor, recordingProcesses(calls));
    const processes = ipcRegionProcesses(control);
    await processes.crash('westeurope');
    await processes.restart('westeurope');
    await Promise.all([processes.stopRedis('northeurope'), processes.startRedis('northeurope')]);
    expect(calls).toEqual([
      'crash westeurope',
      'restart westeurope',
      'stopRedis northeurope',
      'startRedis northeurope',
    ]);
  });

  it("turns the supervisor's refusal into a 503 carrying its reason", async () => {
    const { control, supervisor } = channelPair();
    serveRegionProcesses(supervisor, recordingProcesses([], new Set(['stopRedis'])));
    const failure = await ipcRegionProcesses(control)
      .stopRedis('westeurope')
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({
      status: 503,
      code: 'ServiceUnavailable',
      message: 'Could not stop the Redis of westeurope: stopRedis is not possible with external Redis',
    });
  });

  it('fails pending calls when the supervisor goes away or never answers', async () => {
    const silent = new EventEmitter() as IpcChannel & EventEmitter;
    silent.send = () => true;
    const pending = ipcRegionProcesses(silent).crash('westeurope');
    silent.emit('disconnect');
    await expect(pending).rejects.toThrow('Could not crash westeurope: the supervisor is gone');

    const slow = ipcRegionProcesses(silent, { replyTimeoutMs: 20 }).restart('westeurope');
    await expect(slow).rejects.toThrow('no answer from the supervisor within 20 ms');

    const none = new EventEmitter() as IpcChannel & EventEmitter;
    await expect(ipcRegionProcesses(none).crash('westeurope')).rejects.toThrow('no IPC channel');
  });

  it('ignores messages that are not requests, and stops answering when told', async () => {
    const { control, supervisor } = channelPair();
    const calls: string[] = [];
    const stop = serveRegionProcesses(supervisor, recordingProcesses(calls));
    supervisor.emit('message', { id: 1, op: 'format-disk', region: 'westeurope' });
    supervisor.emit('message', 'crash westeurope');
    stop();
    const unanswered = ipcRegionProcesses(control, { replyTimeoutMs: 50 }).crash('westeurope');
    await expect(unanswered).rejects.toThrow('no answer');
    expect(calls).toEqual([]);
  });
});
