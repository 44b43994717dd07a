import { randomBytes } from 'node:crypto';
import { isProcessAlive } from '../processes.ts';

// Every namespace a test network makes is named vo-<pid>-<run>-<place>: the prefix says it is one of
// ours, the pid whose process owns it (the test's), the run tells two networks of one process apart.
const OURS = /^vo-(\d+)-([0-9a-f]{4})-[a-z0-9-]+$/;

/** A fresh run's names, owned by this process. */
export function runPrefix(): string {
  return `vo-${process.pid}-${randomBytes(2).toString('hex')}`;
}

/**
 * Whether `netns` is a test network's whose owning process is gone (a run that crashed before its
 * cleanup): those, and only those, may be removed by another run. A live run's, and any name not ours, is
 * never stale.
 */
export function isStaleNamespace(netns: string): boolean {
  const owner = OURS.exec(netns)?.[1];
  return owner !== undefined && !isProcessAlive(Number(owner));
}
