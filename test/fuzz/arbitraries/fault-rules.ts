import { FAULT_METHODS } from '@vaultover/control';
import { OPERATION_GROUPS, OPERATIONS } from '@vaultover/vault';
import fc from 'fast-check';

// Valid bodies of `POST /api/faults` (docs/chaos.md#the-rule), every optional field sometimes left out,
// for the deployment of the fuzzers: regions westeurope and northeurope, the default principals.

export const FUZZ_REGIONS = ['westeurope', 'northeurope'] as const;
export const FUZZ_PRINCIPALS = ['admin', 'officer', 'app', 'reader'] as const;

const nonEmptySubset = <T>(values: readonly T[]) => fc.subarray([...values], { minLength: 1 });
const mixedCase = (text: string) => fc.mixedCase(fc.constant(text));
const whole = (min: number, max: number) => fc.integer({ min, max });

const operation = fc.oneof(
  fc.constantFrom(...OPERATIONS.map((op) => op.name)),
  fc.constantFrom(...OPERATION_GROUPS, '*', 'Key*', 'Secret*', '*Get', 'Certificate*'),
);

// Vault names are case-insensitive: the rule stores them in lower case.
const vaultName = fc
  .stringMatching(/^[a-z][a-z0-9]{2,10}(-[a-z0-9]{1,8})?$/)
  .chain((name) => mixedCase(name));

const match = fc.record(
  {
    regions: nonEmptySubset(FUZZ_REGIONS),
    operations: fc.array(operation, { minLength: 1, maxLength: 4 }),
    vaults: fc.array(vaultName, { minLength: 1, maxLength: 3 }),
    principals: nonEmptySubset(FUZZ_PRINCIPALS),
    // Methods are matched in upper case, written in any.
    methods: fc.array(fc.constantFrom(...FAULT_METHODS).chain(mixedCase), { minLength: 1, maxLength: 3 }),
  },
  { requiredKeys: [] },
);

const retryAfter = whole(0, 3600);
const action = fc.oneof(
  fc.record(
    {
      type: fc.constant('error'),
      status: whole(400, 599),
      code: fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,30}$/),
      message: fc.string({ minLength: 1, maxLength: 1000 }),
      retryAfter,
    },
    { requiredKeys: ['type', 'status', 'code', 'message'] },
  ),
  fc.record({ type: fc.constant('throttle'), retryAfter }, { requiredKeys: ['type'] }),
  fc.record(
    { type: fc.constant('delay'), ms: whole(0, 300_000), jitterMs: whole(0, 300_000) },
    { requiredKeys: ['type', 'ms'] },
  ),
  fc.record({ type: fc.constant('reset') }),
  fc.record({ type: fc.constant('hang'), maxMs: whole(1, 3_600_000) }, { requiredKeys: ['type'] }),
  fc.record({ type: fc.constant('drop-body') }),
);

const YEAR_MS = 365 * 24 * 3600_000;
const schedule = fc.record(
  {
    probability: fc.double({ min: 0, max: 1, noNaN: true }),
    seed: whole(0, Number.MAX_SAFE_INTEGER),
    times: whole(1, 1_000_000_000),
    skip: whole(0, 1_000_000_000),
    perRequest: whole(1, 1000),
    startAfterMs: whole(0, YEAR_MS),
    durationMs: whole(1, YEAR_MS),
  },
  { requiredKeys: [] },
);

/** A rule the control API must accept. */
export const validFaultRule: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    // Short names, and names at the limit of 100.
    name: fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ minLength: 90, maxLength: 100 })),
    match,
    action,
    schedule,
  },
  { requiredKeys: ['name', 'action'] },
);
