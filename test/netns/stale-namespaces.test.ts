import { spawn } from 'node:child_process';
import { runCommand } from '@vaultover/foundation';
import { pollUntil, removeStaleNamespaces, whyNoNetworkNamespaces } from '@vaultover/testkit';
import { describe, expect, it } from 'vitest';

// What a run that crashed before its cleanup left is removed by the next one, and only that: a
// namespace is stale when the process its name says owns it is gone. Root only, as every test network.

const unavailable = await whyNoNetworkNamespaces();
if (unavailable) console.log(`test/netns/stale-namespaces.test.ts skipped: ${unavailable}`);

async function namespaces(): Promise<string[]> {
  return (await runCommand('ip', ['netns', 'list'])).split('\n').map((line) => line.split(' ')[0] ?? '');
}

/** The pid of a process that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid as number;
}

describe.skipIf(unavailable !== undefined)('removeStaleNamespaces', () => {
  it("removes the namespaces of a dead owner, with what still runs in them, and no live run's", async () => {
    const dead = `vo-${await deadPid()}-dead-westeurope`;
    const live = `vo-${process.pid}-beef-westeurope`;
    await runCommand('ip', ['netns', 'add', dead]);
    await runCommand('ip', ['netns', 'add', live]);
    try {
      // A server of the crashed run, still running in its namespace.
      const orphan = spawn('ip', ['netns', 'exec', dead, 'sleep', '600'], { stdio: 'ignore' });
      const orphanGone = new Promise((resolve) => orphan.once('exit', (_code, signal) => resolve(signal)));
      await pollUntil(
        'the orphan runs in its namespace',
        async () => (await runCommand('ip', ['netns', 'pids', dead])).trim() !== '',
      );
      await removeStaleNamespaces();
      const left = await namespaces();
      expect(left).not.toContain(dead);
      expect(left).toContain(live);
      expect(await orphanGone).toBe('SIGKILL');
    } finally {
      await runCommand('ip', ['netns', 'del', dead]).catch(() => {});
      await runCommand('ip', ['netns', 'del', live]);
    }
  });
});
