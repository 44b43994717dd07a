import type { Suite } from './suite.ts';
import { cryptoSuite } from './suites/crypto-suite.ts';
import { failoverSuite } from './suites/failover-suite.ts';
import { loadGeneratorSuite } from './suites/load-generator-suite.ts';
import { memorySuite } from './suites/memory-suite.ts';
import { nemesisSuite } from './suites/nemesis-suite.ts';
import { replicationSuite } from './suites/replication-suite.ts';
import { secretsSuite } from './suites/secrets-suite.ts';

/** Every suite `scripts/bench` knows, by name; the first is the default. Add new suites here. */
export const SUITES: readonly Suite[] = [
  secretsSuite,
  cryptoSuite,
  replicationSuite,
  failoverSuite,
  loadGeneratorSuite,
  memorySuite,
  nemesisSuite,
];

export function findSuite(name: string): Suite | undefined {
  return SUITES.find((suite) => suite.name === name);
}
