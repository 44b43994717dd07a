import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** The packages that depend on nothing of ours, so cannot reach foundation's CodedError. */
const NO_INTERNAL_DEPENDENCIES = ['contract', 'tls'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('error classes', () => {
  it("extend foundation's CodedError, never Error itself, so that every one has a code", () => {
    const direct: string[] = [];
    for (const path of sources(join(REPO, 'packages'))) {
      const file = relative(REPO, path);
      if (file === 'packages/foundation/src/coded-error.ts') continue;
      for (const match of readFileSync(path, 'utf8').matchAll(/class (\w+) extends (\w*Error)\b/g)) {
        if (['Error', 'TypeError', 'RangeError'].includes(match[2] as string))
          direct.push(`${file}: ${match[1]}`);
      }
    }
    expect(direct).toEqual([]);
  });

  it('do not exist in the packages without internal dependencies: they return results instead', () => {
    const classes = NO_INTERNAL_DEPENDENCIES.flatMap((name) =>
      sources(join(REPO, 'packages', name, 'src')).filter((path) =>
        /class \w+ extends \w*Error\b/.test(readFileSync(path, 'utf8')),
      ),
    );
    expect(classes.map((path) => relative(REPO, path))).toEqual([]);
  });
});
