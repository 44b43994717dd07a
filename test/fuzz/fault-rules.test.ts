import { parseFaultRuleInput } from '@vaultover/control';
import { BadParameterError } from '@vaultover/vault';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { FUZZ_PRINCIPALS, FUZZ_REGIONS, validFaultRule } from './arbitraries/fault-rules.ts';
import { type DocumentPath, mutatedDocument } from './arbitraries/mutations.ts';
import { propertyTest } from './support/property-test.ts';

// The fault-rule parser of `POST /api/faults` (docs/reliability.md#fuzzing): a valid rule is accepted as
// written (vault names in lower case, methods in upper case) and survives being stored as JSON and read
// again; anything else is refused with a BadParameter naming the field. Pure: no server.

const context = { regions: FUZZ_REGIONS, principals: FUZZ_PRINCIPALS };
const parse = (body: unknown) => parseFaultRuleInput(body, context);

/** What the control stores and the regions read back: the rule as JSON. */
function expectRoundTrip(rule: unknown): void {
  const stored = JSON.stringify(rule);
  expect(JSON.stringify(parse(JSON.parse(stored)))).toBe(stored);
}

/** The input as the parser must return it: vault names lower-cased, methods upper-cased. */
function normalised(rule: Record<string, unknown>): unknown {
  const match = rule.match as { vaults?: string[]; methods?: string[] } | undefined;
  if (!match) return rule;
  return {
    ...rule,
    match: {
      ...match,
      ...(match.vaults ? { vaults: match.vaults.map((name) => name.toLowerCase()) } : {}),
      ...(match.methods ? { methods: match.methods.map((method) => method.toUpperCase()) } : {}),
    },
  };
}

/** A path as the parser's messages write it: `match.regions[1]`, an empty key as `""`. */
function written(path: DocumentPath): string {
  return path
    .map((key, i) => {
      if (typeof key === 'number') return `[${key}]`;
      const name = key === '' ? '""' : key;
      return i === 0 ? name : `.${name}`;
    })
    .join('');
}

/** Whether `message` is about the field at `path` (or inside it): it starts with its name. */
const about = (message: string, path: DocumentPath) =>
  [' ', '.', '['].some((next) => message.startsWith(`${written(path)}${next}`));

describe('the fault-rule parser under fuzzing', () => {
  propertyTest(
    'accepts every valid rule as written and reads it back the same from JSON',
    { defaultRuns: 300, msPerRun: 20 },
    () =>
      fc.property(validFaultRule, (rule) => {
        const parsed = parse(rule);
        expect(parsed).toEqual(normalised(rule));
        expectRoundTrip(parsed);
      }),
  );

  propertyTest(
    'refuses a rule with one part broken by a BadParameter naming that part, or accepts it',
    { defaultRuns: 1000, msPerRun: 20 },
    () =>
      fc.property(mutatedDocument(validFaultRule), ({ valid, mutation, document }) => {
        let parsed: unknown;
        try {
          parsed = parse(document);
        } catch (error) {
          if (!(error instanceof BadParameterError)) throw error;
          expect({ status: error.status, code: error.code }).toEqual({ status: 400, code: 'BadParameter' });
          const { message } = error;
          if (typeof mutation.value === 'string' && mutation.value.length > 100)
            expect(message).not.toContain(mutation.value);
          // A whole other body is refused for whatever it holds first.
          if (mutation.path.length === 0) return;
          const parent = mutation.path.slice(0, -1);
          const key = mutation.path.at(-1);
          const existing = parent.reduce<unknown>((value, k) => (value as Record<string, unknown>)[k], valid);
          const newField = mutation.kind === 'add' && !Object.hasOwn(existing as object, key as string);
          // A field that was not there is named exactly; any other change at the field or one holding it.
          const named = newField
            ? about(message, mutation.path)
            : mutation.path.some((_, i) => about(message, mutation.path.slice(0, i + 1))) ||
              message.startsWith('The body ');
          expect(named, `${message} (mutated ${written(mutation.path)})`).toBe(true);
          return;
        }
        expectRoundTrip(parsed);
      }),
  );
});
