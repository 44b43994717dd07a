import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, loadConfig, validateConfig } from '@vaultover/cli';
import { tempDir } from '@vaultover/testkit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { validConfigDocument } from './arbitraries/config-documents.ts';
import { type DocumentPath, type Mutated, mutatedDocument } from './arbitraries/mutations.ts';
import { propertyTest } from './support/property-test.ts';

// The deployment config parser (docs/reliability.md#fuzzing): any document either is a valid config or
// is refused with the ConfigError that names the field to fix, never another error. Pure: no server.

const SOURCE = 'fuzz.yaml';
/** Sections whose mistakes a cross-field rule may report on another section (a port clash on control's). */
const RELATED_SECTIONS = new Map([
  ['regions', ['control', 'redis']],
  ['vaults', ['defaultVault']],
]);

let dir: { path: string; remove: () => Promise<void> };

beforeAll(async () => {
  dir = await tempDir('vaultover-config-fuzz-');
});

afterAll(async () => {
  await dir?.remove();
});

/** The ConfigError `attempt` threw, or the config it returned; anything else thrown fails the property. */
function verdict<T>(attempt: () => T): { error: ConfigError } | { config: T } {
  try {
    return { config: attempt() };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { error };
  }
}

/** The problems of a ConfigError's message, after `config error in <source>: `. */
function detailOf(error: ConfigError): string {
  expect(error.code).toBe('ConfigInvalid');
  const prefix = `config error in ${SOURCE}: `;
  expect(error.message.startsWith(prefix), error.message).toBe(true);
  return error.message.slice(prefix.length);
}

/** Whether one of the problems in `detail` is about `field` (a path `a.b.0`) or a field under it. */
function names(detail: string, field: string): boolean {
  return [`${field}:`, `${field}.`].some(
    (start) => detail.startsWith(start) || detail.includes(`; ${start}`),
  );
}

const dotted = (path: DocumentPath) =>
  path.length === 0 ? '(top level)' : path.map((key) => (key === '' ? '""' : key)).join('.');

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

function valueAt(document: unknown, path: DocumentPath): unknown {
  return path.reduce<unknown>(
    (value, key) => (value as Record<string | number, unknown> | undefined)?.[key],
    document,
  );
}

/** A valid config is accepted again as it came out: defaults applied once, nothing lost or invented. */
function expectStable(config: unknown): void {
  expect(validateConfig(config, SOURCE)).toEqual(config);
}

/** Text a config file might hold: YAML and JSON of broken configs, YAML punctuation soup, any UTF-16. */
function fileTexts(): fc.Arbitrary<string> {
  const yamlish = fc
    .array(
      fc.constantFrom(
        ': ',
        '- ',
        ' ',
        '\n',
        '{',
        '}',
        '[',
        ']',
        '"',
        "'",
        '&a ',
        '*a',
        '!!binary ',
        '|',
        '>',
        '#',
        '%YAML 1.2\n',
        '---\n',
        '...\n',
        '? ',
        '<<: ',
        '.nan',
        '.inf',
        'regions',
        'vaults',
        'name',
        'port',
        '\t',
        'é',
        '\u0000',
      ),
      { maxLength: 40 },
    )
    .map((parts) => parts.join(''));
  return fc.oneof(
    mutatedDocument(validConfigDocument).map(({ document }) => toYaml(document) ?? ''),
    mutatedDocument(validConfigDocument).map(({ document }) => JSON.stringify(document) ?? ''),
    yamlish,
    fc.string({ unit: 'binary', maxLength: 200 }),
  );
}

describe('the deployment config parser under fuzzing', () => {
  propertyTest(
    'accepts every valid config, and its own output again unchanged',
    { defaultRuns: 300, msPerRun: 20 },
    () =>
      fc.property(validConfigDocument, (document) => {
        expectStable(validateConfig(document, SOURCE));
      }),
  );

  propertyTest(
    'refuses a config with one part broken by a ConfigError naming that part, or accepts it',
    { defaultRuns: 1500, msPerRun: 20 },
    () =>
      fc.property(mutatedDocument(validConfigDocument), ({ valid, mutation, document }: Mutated<unknown>) => {
        const outcome = verdict(() => validateConfig(document, SOURCE));
        if ('config' in outcome) return expectStable(outcome.config);
        const detail = detailOf(outcome.error);
        // A refused value is shown, not echoed whole.
        if (typeof mutation.value === 'string' && mutation.value.length > 100)
          expect(detail).not.toContain(JSON.stringify(mutation.value));
        // A whole other document is refused for whatever it holds; there is no one field to name.
        if (mutation.path.length === 0) return;
        const field = dotted(mutation.path);
        const section = dotted(mutation.path.slice(0, 1));
        const related = [section, ...(RELATED_SECTIONS.get(section) ?? [])];
        expect(
          related.some((candidate) => names(detail, candidate)),
          `${detail} (mutated ${field})`,
        ).toBe(true);
        // A value of another type than the field's is refused at that very field (or inside it).
        // (`undefined` is no value: the field's default, which a cross-field rule may then refuse.)
        const replaced = mutation.kind === 'replace' && mutation.value !== undefined;
        if (replaced && kindOf(mutation.value) !== kindOf(valueAt(valid, mutation.path)))
          expect(names(detail, field), `${detail} (mutated ${field})`).toBe(true);
      }),
  );

  propertyTest(
    'reads any file text as a config or refuses it with a ConfigError',
    { defaultRuns: 300, msPerRun: 50 },
    () =>
      fc.asyncProperty(fileTexts(), async (content) => {
        const file = join(dir.path, SOURCE);
        await writeFile(file, content);
        try {
          const { file: _file, ...config } = await loadConfig({ file: SOURCE, cwd: dir.path });
          expectStable(config);
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          detailOf(error);
        }
      }),
  );
});
