import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    // Forks, not threads: tests spawn child processes and servers, and each fork gets a clean process.
    pool: 'forks',
    // Two files at a time on this 2-core machine (vitest's default is one fewer than the cores): most
    // files wait on servers, failover windows and polls rather than compute, and every test is written
    // to pass on a busy machine. The whole suite and the cluster pass then fit the 20 minutes.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
