import { FAILOVER_STATES } from '@vaultover/control';
import { deploymentSchema, FAILOVER_EVENTS } from '@vaultover/scenario';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configSchema } from './config-schema.ts';

// The scenario package sits below cli and cannot import the config schema, so it repeats the fields a
// scenario's `deployment:` may override. This test holds the two together: every field a scenario
// accepts is a field of the config that takes a value of the same type.

interface JsonSchema {
  type?: string;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
}

/** Every leaf field of the deployment section with sample values of its type. */
function leaves(schema: JsonSchema, path: string[] = []): { path: string[]; values: unknown[] }[] {
  const object = schema.anyOf?.find((branch) => branch.type === 'object') ?? schema;
  const found =
    schema.anyOf?.filter((branch) => branch.type !== 'object').flatMap((branch) => leaves(branch, path)) ??
    [];
  if (object.type === 'object' && object.properties) {
    return [
      ...found,
      ...Object.entries(object.properties).flatMap(([key, sub]) => leaves(sub, [...path, key])),
    ];
  }
  if (object.enum) return [...found, { path, values: object.enum }];
  const sample = { integer: [100], number: [1], boolean: [true, false], string: ['x'] }[object.type ?? ''];
  return [...found, { path, values: sample ?? [] }];
}

function nest(path: string[], value: unknown): unknown {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
}

describe('scenario deployment overrides', () => {
  const fields = leaves(z.toJSONSchema(deploymentSchema, { io: 'input' }) as JsonSchema);

  it('cover the sections the spec names', () => {
    expect(new Set(fields.map((field) => field.path[0]))).toEqual(
      new Set(['monitor', 'failover', 'replication', 'throttling', 'readOnlyProfile', 'propagationDelays']),
    );
  });

  it.each(fields.map((field) => [field.path.join('.'), field] as const))(
    '%s is a config field of the same type',
    (_name, field) => {
      expect(field.values.length).toBeGreaterThan(0);
      for (const value of field.values) {
        const input = nest(field.path, value);
        expect(deploymentSchema.safeParse(input).success).toBe(true);
        const result = configSchema.safeParse(input);
        // Cross-field rules of the config (a probe timeout below the interval) may refuse a sample; an
        // unknown field or a value of another type must not happen.
        const wrong = (result.error?.issues ?? []).filter((issue) =>
          ['unrecognized_keys', 'invalid_type', 'invalid_value', 'invalid_union'].includes(issue.code),
        );
        expect(wrong, `${field.path.join('.')} = ${JSON.stringify(value)}`).toEqual([]);
      }
    },
  );

  it('wait for and start after the failover states of the control process', () => {
    expect([...FAILOVER_EVENTS].sort()).toEqual([...FAILOVER_STATES].sort());
  });
});
