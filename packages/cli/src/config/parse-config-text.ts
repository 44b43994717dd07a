import { extname } from 'node:path';

/**
 * Parses a config file's text as JSON or YAML: by extension, else by content (a leading `{` means
 * JSON). An empty file is an empty config. Throws with the parser's message (it names line and column).
 * The YAML parser is loaded only for YAML: a region node reads its config as JSON from its supervisor,
 * and the parser is some MiB of a process's memory.
 */
export async function parseConfigText(text: string, fileName: string): Promise<unknown> {
  const extension = extname(fileName).toLowerCase();
  const json =
    extension === '.json' || (extension !== '.yaml' && extension !== '.yml' && /^\s*\{/.test(text));
  const value: unknown = json ? JSON.parse(text) : (await import('yaml')).parse(text, { prettyErrors: true });
  return value ?? {};
}
