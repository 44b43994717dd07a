// Checks that the packages depend on each other as docs/architecture.md says and that every import is
// declared (scripts/lib/package-graph.ts). Prints each problem and exits 1 when there is any.
import { fileURLToPath } from 'node:url';
import { checkPackageGraph } from './lib/package-graph.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const problems = checkPackageGraph(root);
for (const problem of problems) console.log(`  ✗ ${problem}`);
console.log(
  problems.length === 0 ? 'the package graph holds' : `${problems.length} problem(s) in the package graph`,
);
process.exit(problems.length === 0 ? 0 : 1);
