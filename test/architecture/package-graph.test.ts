import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@vaultover/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { checkPackageGraph, importsOf } from '../../scripts/lib/package-graph.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

// A repository of three packages, `low`, `region` and `control`, valid as written; each test breaks one rule.
const TABLE = `# Architecture

## Packages

\`\`\`
layer  packages
  2    region · control        the processes
  1    low                     the bottom
\`\`\`

| Package | Owns | Depends on | Its tests also use |
| --- | --- | --- | --- |
| \`low\` | the bottom | — | — |
| \`region\` | a region | \`low\` | — |
| \`control\` | the control | \`low\` | — |

## Next
`;

type Files = Record<string, string>;

function manifest(name: string, dependencies: Record<string, string> = {}, extra: object = {}): string {
  return JSON.stringify({
    name: `@vaultover/${name}`,
    exports: { '.': './src/index.ts' },
    dependencies,
    ...extra,
  });
}

const VALID: Files = {
  'docs/architecture.md': TABLE,
  'package.json': JSON.stringify({ name: 'root', devDependencies: { vitest: '1' } }),
  'packages/low/package.json': manifest('low'),
  'packages/low/src/index.ts': "import { join } from 'node:path';\nexport const low = join('a', 'b');\n",
  'packages/region/package.json': manifest('region', { '@vaultover/low': '0.1.0', zod: '4' }),
  'packages/region/src/index.ts':
    "import { low } from '@vaultover/low';\nimport { z } from 'zod';\nexport { low, z };\n",
  'packages/control/package.json': manifest('control', { '@vaultover/low': '0.1.0' }),
  'packages/control/src/index.ts': "export { low } from '@vaultover/low';\n",
  'test/e2e.test.ts':
    "import { low } from '@vaultover/low';\nimport { it } from 'vitest';\nit('runs', () => low);\n",
};

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups) await cleanup();
  cleanups = [];
});

async function check(changes: Files): Promise<string[]> {
  const dir = await tempDir('vaultover-graph-');
  cleanups.push(dir.remove);
  for (const [path, text] of Object.entries({ ...VALID, ...changes })) {
    await mkdir(dirname(join(dir.path, path)), { recursive: true });
    await writeFile(join(dir.path, path), text);
  }
  return checkPackageGraph(dir.path);
}

describe('the package graph check', () => {
  it('holds for this repository', () => {
    expect(checkPackageGraph(REPO)).toEqual([]);
  });

  it('holds for the valid fixture', async () => {
    expect(await check({})).toEqual([]);
  });

  it('refuses control importing region, even when both package.json and the table say so', async () => {
    const problems = await check({
      'docs/architecture.md': TABLE.replace(
        '| `control` | the control | `low` |',
        '| `control` | the control | `low`, `region` |',
      ),
      'packages/control/package.json': manifest('control', {
        '@vaultover/low': '0.1.0',
        '@vaultover/region': '0.1.0',
      }),
      'packages/control/src/index.ts':
        "export { low } from '@vaultover/low';\nexport { z } from '@vaultover/region';\n",
    });
    expect(problems).toContain(
      'control and region must never import each other (what they share belongs in contract)',
    );
  });

  it('refuses an import the package.json does not declare, and a declared dependency the table does not allow', async () => {
    const undeclared = await check({
      'packages/low/src/index.ts': "import { z } from 'zod';\nexport const low = z;\n",
    });
    expect(undeclared).toContain(
      'packages/low/src/index.ts imports zod, but packages/low/package.json does not declare zod in its dependencies',
    );
    const unlisted = await check({
      'packages/low/package.json': manifest('low', { '@vaultover/control': '0.1.0' }),
      'packages/low/src/index.ts': "export * from '@vaultover/control';\n",
    });
    expect(unlisted).toContain(
      'packages/low/package.json dependencies name control, which docs/architecture.md does not allow',
    );
  });

  it('refuses a dependency that does not point down the layers, and a package in no layer', async () => {
    const sideways = await check({
      'docs/architecture.md': TABLE.replace('  1    low  ', '  2    low  '),
    });
    expect(sideways).toContain('region (layer 2) depends on low (layer 2): dependencies point down');
    const unplaced = await check({
      'docs/architecture.md': TABLE.replace('  2    region · control', '  2    region'),
    });
    expect(unplaced).toContain('control is in no layer of the diagram in docs/architecture.md');
  });

  it('refuses a cycle', async () => {
    const problems = await check({
      'docs/architecture.md': TABLE.replace(
        '| `low` | the bottom | — |',
        '| `low` | the bottom | `region` |',
      ),
      'packages/low/package.json': manifest('low', { '@vaultover/region': '0.1.0' }),
      'packages/low/src/index.ts': "export * from '@vaultover/region';\n",
    });
    expect(problems.some((p) => p.startsWith('the packages depend on each other in a cycle: '))).toBe(true);
  });

  it('refuses reaching into another package by path, from a package or from the top-level tests', async () => {
    const fromPackage = await check({
      'packages/region/src/extra.ts': "export { low } from '../../low/src/index.ts';\n",
    });
    expect(fromPackage).toContain(
      'packages/region/src/extra.ts imports ../../low/src/index.ts, outside its package: import it by package name',
    );
    const fromTests = await check({ 'test/deep.test.ts': "export * from '../packages/low/src/index.ts';\n" });
    expect(fromTests).toContain(
      'test/deep.test.ts imports ../packages/low/src/index.ts by path: import the package by name',
    );
  });

  it('refuses a subpath the target does not export, and a dependency nothing imports', async () => {
    const subpath = await check({
      'packages/control/src/index.ts': "export { low } from '@vaultover/low/inner';\n",
    });
    expect(subpath).toContain(
      'packages/control/src/index.ts imports @vaultover/low/inner, which @vaultover/low does not export',
    );
    expect(subpath).not.toContain(
      'packages/control/package.json declares @vaultover/low, which no file of control imports',
    );
    const unused = await check({ 'packages/control/src/index.ts': 'export const nothing = 0;\n' });
    expect(unused).toContain(
      'packages/control/package.json declares @vaultover/low, which no file of control imports',
    );
  });

  it('reads imports of every form, multi-line and type-only included', () => {
    const source = [
      "import type { A } from 'a';",
      'import {',
      '  b,',
      '  type C,',
      "} from '@scope/b/sub';",
      "export * from './c.ts';",
      "import 'side-effect';",
      // Split so that the checker, reading this file, does not take it for an import of this file's own.
      `const lazy = await ${'im'}port('lazy');`,
      " * import { inComment } from 'not-an-import';",
    ].join('\n');
    expect(importsOf(source)).toEqual(['a', '@scope/b/sub', './c.ts', 'side-effect', 'lazy']);
  });
});
