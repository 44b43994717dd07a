import { z } from 'zod';
import { durationSchema } from './duration.ts';
import { retryPolicySchema } from './retry-policy-schema.ts';

// `load:` the named clients that call the vault while the steps run. What zod cannot say field by field
// (exactly one of kind/module and of rate/concurrency, operations that fit the kind) is checked by
// cross-checks.ts, so that those problems are listed with the others.

/** The real Azure SDK clients a load client can be, and the operations each one performs. */
export const CLIENT_KINDS = {
  secrets: ['get', 'set', 'list'],
  keys: ['get', 'sign', 'encrypt'],
  certificates: ['get'],
} as const satisfies Record<string, readonly string[]>;
export type ClientKind = keyof typeof CLIENT_KINDS;

/** Client names: they appear in expectation paths (`clients.<name>.p99`) and in reports. */
export const CLIENT_NAME = /^[a-z][a-z0-9-]{0,39}$/;
// The vault naming rule of the service: 3–24 letters, digits and hyphens.
const VAULT_NAME = /^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/;
const WEIGHT = 'expected a weight, a number 0 or more';
const RATE = 'expected calls per second, a number above 0';
const CONCURRENCY = 'expected calls in flight, a whole number 1 or more';

const clientSchema = z.strictObject({
  kind: z.enum(Object.keys(CLIENT_KINDS) as [ClientKind, ...ClientKind[]]).optional(),
  /** An ES module whose default export performs one call; the path is relative to the scenario file. */
  module: z.string().min(1, { error: 'expected a path to an ES module' }).optional(),
  operations: z.record(
    z.string().regex(/^[a-z][a-z0-9-]*$/, { error: 'expected an operation name such as get' }),
    z.number({ error: WEIGHT }).min(0, { error: WEIGHT }),
  ),
  rate: z.number({ error: RATE }).positive({ error: RATE }).optional(),
  concurrency: z
    .number({ error: CONCURRENCY })
    .int({ error: CONCURRENCY })
    .min(1, { error: CONCURRENCY })
    .optional(),
  retry: retryPolicySchema.default({ policy: 'sdk-default' }),
  /** The whole call, every attempt included. */
  timeout: durationSchema({ positive: true }).prefault('30s'),
  vault: z
    .string()
    .regex(VAULT_NAME, { error: 'expected a vault name (3–24 letters, digits and hyphens)' })
    .optional(),
  principal: z.string().min(1).default('officer'),
});

/** The `load:` section. */
export const loadSchema = z.strictObject({
  clients: z
    .record(
      z
        .string()
        .regex(CLIENT_NAME, { error: 'expected a client name: a-z, digits and hyphens, from a letter' }),
      clientSchema,
    )
    .refine((clients) => Object.keys(clients).length > 0, { error: 'expected at least one client' }),
});

export type LoadClientSpec = z.output<typeof clientSchema>;
export type LoadSpec = z.output<typeof loadSchema>;
