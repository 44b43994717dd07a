import { clientsNamed, parseExpectation } from './expectation.ts';
import { isFailoverEvent } from './failover-events.ts';
import { CLIENT_KINDS } from './load-schema.ts';
import { ACTION_KEYS, TRIGGER_KEYS } from './step-schema.ts';

// The rules that span fields: exactly one of a group of keys, `after:` naming an earlier step, an
// expectation naming a client of load.clients. They read the file's raw value, not zod's result, so
// that they run even where other fields are wrong: every problem of a file is reported in one pass.
// Anything of an unexpected shape is skipped here: the schema reports it.

/** A problem at a path of the file. */
export interface PathIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
  /** Point at the key rather than its value (a key that should not be there). */
  readonly atKey?: boolean;
}

type Raw = Record<string, unknown>;

export function crossCheck(raw: unknown): PathIssue[] {
  if (!isMapping(raw)) return [];
  const load = isMapping(raw.load) ? raw.load : {};
  const clients = isMapping(load.clients) ? load.clients : {};
  return [...stepIssues(raw.steps), ...clientIssues(clients), ...expectationIssues(raw.expect, clients)];
}

function stepIssues(steps: unknown): PathIssue[] {
  if (!Array.isArray(steps)) return [];
  const issues: PathIssue[] = [];
  const earlier = new Set<string>();
  steps.forEach((step, index) => {
    if (!isMapping(step)) return;
    const at = ['steps', index];
    issues.push(...exactlyOne(step, TRIGGER_KEYS, at, 'trigger'));
    issues.push(...exactlyOne(step, ACTION_KEYS, at, 'action'));
    for (const key of ['fault', 'toxic'] as const) {
      const value = step[key];
      if (isMapping(value)) issues.push(...exactlyOne(value, ['add', 'remove'], [...at, key], 'change'));
    }
    if (typeof step.after === 'string') {
      const on = /^\s*([a-z][a-z0-9-]*)/.exec(step.after)?.[1];
      if (on !== undefined && !isFailoverEvent(on) && !earlier.has(on)) {
        issues.push({
          path: [...at, 'after'],
          message: steps.some((other) => isMapping(other) && other.id === on)
            ? `"${on}" is the id of a later step: after: names an earlier one`
            : `"${on}" is neither a failover event (normal, failing-over, failed-over, failing-back) nor the id of an earlier step`,
        });
      }
    }
    if (typeof step.id === 'string') {
      if (isFailoverEvent(step.id)) {
        issues.push({
          path: [...at, 'id'],
          message: `"${step.id}" is a failover event's name: pick another id`,
        });
      } else if (earlier.has(step.id)) {
        issues.push({ path: [...at, 'id'], message: `"${step.id}" is the id of an earlier step already` });
      }
      earlier.add(step.id);
    }
  });
  return issues;
}

function clientIssues(clients: Raw): PathIssue[] {
  const issues: PathIssue[] = [];
  for (const [name, client] of Object.entries(clients)) {
    if (!isMapping(client)) continue;
    const at = ['load', 'clients', name];
    issues.push(...exactlyOne(client, ['kind', 'module'], at, 'client kind'));
    issues.push(...exactlyOne(client, ['rate', 'concurrency'], at, 'load shape'));
    const policy = isMapping(client.retry) ? client.retry.policy : undefined;
    if (client.module !== undefined && (policy === 'fixed' || policy === 'exponential')) {
      // The SDK's retryOptions never reach a module's own clients: the setting would silently do nothing.
      issues.push({
        path: [...at, 'retry', 'policy'],
        message: `a client module does its own retries: ${policy} (the SDK's retryOptions) cannot reach it; use cockatiel around it, or leave retry out`,
      });
    }
    if (!isMapping(client.operations)) continue;
    const weights = Object.values(client.operations);
    if (weights.length > 0 && weights.every((weight) => weight === 0)) {
      issues.push({ path: [...at, 'operations'], message: 'expected at least one weight above 0' });
    }
    if (weights.length === 0)
      issues.push({ path: [...at, 'operations'], message: 'expected at least one operation' });
    const kind =
      typeof client.kind === 'string' ? CLIENT_KINDS[client.kind as keyof typeof CLIENT_KINDS] : undefined;
    if (!kind) continue;
    for (const operation of Object.keys(client.operations)) {
      if ((kind as readonly string[]).includes(operation)) continue;
      issues.push({
        path: [...at, 'operations', operation],
        message: `a ${client.kind} client does not ${operation}: expected ${kind.join(', ')}`,
        atKey: true,
      });
    }
  }
  return issues;
}

function expectationIssues(expect: unknown, clients: Raw): PathIssue[] {
  if (!Array.isArray(expect)) return [];
  const issues: PathIssue[] = [];
  expect.forEach((text, index) => {
    if (typeof text !== 'string') return;
    let named: string[];
    try {
      named = clientsNamed(parseExpectation(text));
    } catch {
      return; // the schema reports an expectation that does not parse
    }
    const client = named.find((name) => !(name in clients));
    if (client === undefined) return;
    const known = Object.keys(clients);
    issues.push({
      path: ['expect', index],
      message: `unknown client "${client}": load.clients has ${known.length > 0 ? known.join(', ') : 'none'}`,
    });
  });
  return issues;
}

/** A mapping must hold exactly one of `keys`: none is missing, two or more is one too many. */
function exactlyOne(
  value: Raw,
  keys: readonly string[],
  at: readonly (string | number)[],
  what: string,
): PathIssue[] {
  const present = keys.filter((key) => value[key] !== undefined);
  if (present.length === 1) return [];
  if (present.length === 0) return [{ path: at, message: `expected one ${what}: ${keys.join(', ')}` }];
  return present.slice(1).map((key) => ({
    path: [...at, key],
    message: `one ${what} only: ${present.join(' and ')} are given`,
    atKey: true,
  }));
}

function isMapping(value: unknown): value is Raw {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
