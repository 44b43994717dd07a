// Child process for the orphan test: starts one embedded redis under baseDir (argv[2]), reports its pid,
// then waits to be killed.
import { createRedisProvider } from '../index.ts';

const provider = createRedisProvider({ kind: 'embedded', baseDir: process.argv[2] });
const [instance] = await provider.start(['orphan-check']);
process.stdout.write(`redis-pid ${instance?.pid}\n`);
