import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLUSTER_PASS } from '../../vitest.cluster.config.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('the cluster pass (vitest.cluster.config.ts)', () => {
  it('names test files that exist: vitest would pass over a missing one without a word', () => {
    expect(CLUSTER_PASS.filter((file) => !existsSync(`${root}${file}`))).toEqual([]);
    expect(CLUSTER_PASS.every((file) => file.endsWith('.test.ts'))).toBe(true);
  });
});
