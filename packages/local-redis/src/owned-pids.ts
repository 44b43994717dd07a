// Last line of defence for a normal or uncaught-exception exit: the wrappers' stdin pipes cover SIGKILL,
// this covers the case where Node exits while a wrapper is still between reads.
const owned = new Set<number>();
let hooked = false;

function killOwned(): void {
  for (const pid of owned) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
  owned.clear();
}

/** Records a redis-server pid we started, so that it is killed when this Node process exits. */
export function ownPid(pid: number): void {
  owned.add(pid);
  if (!hooked) {
    hooked = true;
    process.once('exit', killOwned);
  }
}

/** Forgets a pid once its process is known to be gone, so that a reused pid is never killed. */
export function disownPid(pid: number): void {
  owned.delete(pid);
}
