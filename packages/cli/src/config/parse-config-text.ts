import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';

/**
 * Parses a config file's text as JSON or YAML: by extension, else by content (a leading `{` means
 * JSON). An empty file is an empty config. Throws with the parser's message (it names line and column).
 */
export function parseConfigText(text: string, fileName: string): unknown {
  const extension = extname(fileName).toLowerCase();
  const json =
    extension === '.json' || (extension !== '.yaml' && extension !== '.yml' && /^\s*\{/.test(text));
  const value: unknown = json ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  return value ?? {};
}
