import type { FaultRuleJson } from '@vaultover/control';
import { CliError, EXIT } from '../cli/cli-error.ts';

type ActionType = FaultRuleJson['action']['type'];

/** The action types of `POST /api/faults` (a type check below keeps the list whole). */
export const FAULT_ACTIONS = ['error', 'throttle', 'delay', 'reset', 'hang', 'drop-body'] as const;
// Fails to compile when the contract gains an action type this list lacks.
const complete: Exclude<ActionType, (typeof FAULT_ACTIONS)[number]> extends never ? true : never = true;
void complete;

/** The flags of `vaultover fault add` / `fault throttle`, as commander parsed them. */
export interface FaultRuleFlags {
  name?: string | undefined;
  action?: ActionType | undefined;
  // error
  status?: number | undefined;
  code?: string | undefined;
  message?: string | undefined;
  // error, throttle
  retryAfter?: number | undefined;
  // delay
  ms?: number | undefined;
  jitterMs?: number | undefined;
  // hang
  maxMs?: number | undefined;
  // match
  regions?: string[] | undefined;
  operations?: string[] | undefined;
  vaults?: string[] | undefined;
  principals?: string[] | undefined;
  methods?: string[] | undefined;
  // schedule
  probability?: number | undefined;
  seed?: number | undefined;
  times?: number | undefined;
  skip?: number | undefined;
  perRequest?: number | undefined;
  startAfterMs?: number | undefined;
  durationMs?: number | undefined;
}

/** Which action types each action flag belongs to, and the flag as typed. */
const ACTION_FLAGS = {
  status: { flag: '--status', types: ['error'] },
  code: { flag: '--code', types: ['error'] },
  message: { flag: '--message', types: ['error'] },
  retryAfter: { flag: '--retry-after', types: ['error', 'throttle'] },
  ms: { flag: '--ms', types: ['delay'] },
  jitterMs: { flag: '--jitter-ms', types: ['delay'] },
  maxMs: { flag: '--max-ms', types: ['hang'] },
} as const satisfies Record<string, { flag: string; types: readonly ActionType[] }>;

/** Codes the service uses for the usual statuses: the default `--code` of an error action. */
const CODE_OF_STATUS: Record<number, string> = {
  400: 'BadParameter',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  429: 'Throttled',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

/**
 * The `POST /api/faults` body the flags describe. Flags of another action type than the rule's, and a
 * delay without `--ms`, are bad usage (exit 2); ranges are the control API's to check. An error action
 * defaults to 503 ServiceUnavailable, and a rule's name to its action type.
 */
export function faultRuleBody(flags: FaultRuleFlags): Record<string, unknown> {
  const type: ActionType = flags.action ?? 'error';
  for (const [field, { flag, types }] of Object.entries(ACTION_FLAGS)) {
    if (
      flags[field as keyof typeof ACTION_FLAGS] !== undefined &&
      !(types as readonly string[]).includes(type)
    ) {
      throw usage(`${flag} applies to --action ${types.join(' or ')}, not ${type}`);
    }
  }
  if (type === 'delay' && flags.ms === undefined) throw usage('--action delay needs --ms <milliseconds>');
  const name = flags.name ?? type;
  const action = defined({
    type,
    ...(type === 'error'
      ? {
          status: flags.status ?? 503,
          code: flags.code ?? CODE_OF_STATUS[flags.status ?? 503] ?? 'InjectedFault',
          message: flags.message ?? `Injected by the fault rule ${name}.`,
        }
      : {}),
    retryAfter: flags.retryAfter,
    ms: flags.ms,
    jitterMs: flags.jitterMs,
    maxMs: flags.maxMs,
  });
  const match = defined({
    regions: flags.regions,
    operations: flags.operations,
    vaults: flags.vaults,
    principals: flags.principals,
    methods: flags.methods,
  });
  const schedule = defined({
    probability: flags.probability,
    seed: flags.seed,
    times: flags.times,
    skip: flags.skip,
    perRequest: flags.perRequest,
    startAfterMs: flags.startAfterMs,
    durationMs: flags.durationMs,
  });
  return {
    name,
    ...(Object.keys(match).length > 0 ? { match } : {}),
    action,
    ...(Object.keys(schedule).length > 0 ? { schedule } : {}),
  };
}

/** The flag that sets the field a control API message names first (`schedule.perRequest …` → `--per-request`). */
export function flagOfMessage(message: string): string | undefined {
  const path = /^([a-zA-Z]+(?:\.[a-zA-Z]+)?)/.exec(message)?.[1];
  if (path === undefined) return undefined;
  const field = path.split('.').at(-1) ?? '';
  if (!['name', 'match', 'action', 'schedule'].includes(path.split('.')[0] ?? '')) return undefined;
  if (path === 'action' || path === 'action.type') return '--action';
  if (path === 'match' || path === 'schedule') return undefined;
  return `--${field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

function usage(message: string): CliError {
  return new CliError(message, { exitCode: EXIT.usage });
}
