import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError } from './config-error.ts';
import { configSchema, type ParsedConfig } from './config-schema.ts';
import { formatIssues } from './format-issues.ts';
import { parseConfigText } from './parse-config-text.ts';

/** A validated deployment config, defaults applied and paths absolute. */
export interface VaultoverConfig extends ParsedConfig {
  /** Absolute. */
  dataDir: string;
  /** Absolute path of the file it came from, or null for the built-in defaults. */
  file: string | null;
}

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Config file (YAML or JSON); none means the defaults. */
  file?: string | undefined;
  /** Base of relative paths, in the file name and in `dataDir`. Default: process.cwd(). */
  cwd?: string;
}

/** Reads, parses and validates a deployment config. Throws ConfigError naming the file and the bad field. */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<VaultoverConfig> {
  const cwd = options.cwd ?? process.cwd();
  if (options.file === undefined) return resolvePaths(validateConfig({}, 'the defaults'), cwd, null);
  const file = resolve(cwd, options.file);
  return resolvePaths(validateConfig(await readConfigInput(options.file, cwd), options.file), cwd, file);
}

/**
 * A config file's content as written, parsed but not validated (what is to be merged with something else
 * before validation: a scenario's overrides). Throws ConfigError for a file that cannot be read or parsed.
 */
export async function readConfigInput(file: string, cwd = process.cwd()): Promise<unknown> {
  return parseOrThrow(await readOrThrow(resolve(cwd, file), file), file);
}

/** Validates an already parsed config; `source` names it in errors. */
export function validateConfig(raw: unknown, source: string): ParsedConfig {
  const result = configSchema.safeParse(raw, { reportInput: true });
  if (!result.success) throw new ConfigError(source, formatIssues(result.error.issues));
  return result.data;
}

function resolvePaths(config: ParsedConfig, cwd: string, file: string | null): VaultoverConfig {
  return { ...config, dataDir: resolve(cwd, config.dataDir), file };
}

async function readOrThrow(file: string, source: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const detail = code === 'ENOENT' ? `no such file (${file})` : `cannot read it (${code ?? error})`;
    throw new ConfigError(source, detail, error);
  }
}

async function parseOrThrow(text: string, source: string): Promise<unknown> {
  try {
    return await parseConfigText(text, source);
  } catch (error) {
    // YAML's pretty errors span lines (a code frame); the first line says what and where.
    const firstLine = (error instanceof Error ? error.message : String(error))
      .split('\n')[0]
      ?.replace(/:$/, '');
    throw new ConfigError(source, `not valid YAML or JSON: ${firstLine}`, error);
  }
}
