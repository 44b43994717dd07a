import { tmpdir } from 'node:os';
import { join } from 'node:path';

// How Vaultover starts the Node processes that serve for as long as a deployment runs (region nodes, the
// control process). Node's defaults suit a process that should go fast whatever memory it takes; these
// keep a server near what it actually holds. Each was measured with `scripts/bench memory`: what each
// bought is in docs/benchmarks.md#memory-what-each-change-bought.

/**
 * V8 flags of a server process.
 *
 * - `--max-semi-space-size=2`: V8 grows the young generation while much of it survives (a burst of
 *   requests in flight), here up to 128 MiB, and keeps what it grew: most of a region node's climb from
 *   165 to 350 MiB under writes. A small one costs more scavenges, but each copies only the few objects
 *   of the requests in flight.
 * - `--heap-growing-percent=50`: the old generation may grow by half of what the last full collection
 *   kept before the next one, instead of up to four times on a machine with much memory. A node's live
 *   heap is small (its state is in Redis): what the old generation grew with was garbage.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--heap-growing-percent=50'];

/**
 * Environment variables of a server process; the starting process's own environment goes on top, so a
 * user's setting wins.
 *
 * - `MALLOC_ARENA_MAX=2`: glibc gives each thread that allocates an arena of its own (V8's compiler and
 *   GC helpers) and keeps in each what was freed there; two are the main thread's and one the helpers
 *   share.
 * - `NODE_COMPILE_CACHE`: Node's compile cache, which also keeps each TypeScript file as stripped. Without
 *   it every start strips every `.ts` file it loads with amaro, a WebAssembly module whose memory (and
 *   the code compiled for it) stays with the process: some 25 MiB of a region node's idle RSS. With it,
 *   only a file changed since it was cached is stripped again. It is set in the environment because
 *   `module.enableCompileCache()` could run only once `main.ts` itself had been stripped. The directory
 *   is the one that call uses by default; entries are keyed by Node version and file content, so every
 *   process and every checkout may share it.
 */
export function serverProcessEnv(): Record<string, string> {
  return { MALLOC_ARENA_MAX: '2', NODE_COMPILE_CACHE: join(tmpdir(), 'node-compile-cache') };
}
