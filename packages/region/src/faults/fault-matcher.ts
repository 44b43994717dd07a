import { FAULT_ACTION_TYPES, type FaultAction, type FaultRule } from '@vaultover/contract';
import { OPERATIONS, type OperationName, operationsNamedBy } from '@vaultover/vault';
import { InvalidFaultRuleError } from './fault-errors.ts';

/** What a rule can match a request on, known once it is authenticated and its operation is known. */
export interface FaultRequest {
  readonly operation: OperationName;
  /** The vault: from the Host on the data plane, from the path on the management plane; none for a list. */
  readonly vault: string | undefined;
  /** The authenticated principal. */
  readonly principal: string;
  /** The HTTP method, upper case (as Node gives it). */
  readonly method: string;
}

/** A rule ready to match: its lists as Sets (null: any), its operations already expanded. */
interface CompiledRule {
  readonly rule: FaultRule;
  readonly vaults: ReadonlySet<string> | null;
  readonly principals: ReadonlySet<string> | null;
  readonly methods: ReadonlySet<string> | null;
}

/**
 * The rules of one region, compiled for the hot path: indexed by catalogue operation, so a request of an
 * operation no rule names costs one Map lookup, and one that some rule names a few Set lookups per rule.
 * Rules stay in the order they were given (oldest first), which is the order their actions are tried in.
 */
export class FaultMatcher {
  readonly #byOperation: ReadonlyMap<string, readonly CompiledRule[]>;
  /** Every rule that applies to this region, oldest first. */
  readonly rules: readonly FaultRule[];

  private constructor(
    byOperation: ReadonlyMap<string, readonly CompiledRule[]>,
    rules: readonly FaultRule[],
  ) {
    this.#byOperation = byOperation;
    this.rules = rules;
  }

  static readonly EMPTY = new FaultMatcher(new Map(), []);

  /**
   * Compiles `rules` (oldest first) for `region`: rules naming other regions are left out. A rule that
   * cannot be applied is left out too and reported to `onInvalid`.
   */
  static compile(
    rules: readonly FaultRule[],
    region: string,
    onInvalid: (error: InvalidFaultRuleError) => void,
  ): FaultMatcher {
    const byOperation = new Map<string, CompiledRule[]>();
    const kept: FaultRule[] = [];
    for (const rule of rules) {
      try {
        checkAction(rule.id, rule.action);
        const match = rule.match ?? {};
        const regions = anyOr(match.regions);
        if (regions !== null && !regions.has(region)) continue;
        const compiled: CompiledRule = {
          rule,
          vaults: anyOr(match.vaults?.map((v) => v.toLowerCase())),
          principals: anyOr(match.principals),
          methods: anyOr(match.methods?.map((m) => m.toUpperCase())),
        };
        for (const name of expandOperations(match.operations)) {
          const list = byOperation.get(name);
          if (list) list.push(compiled);
          else byOperation.set(name, [compiled]);
        }
        kept.push(rule);
      } catch (error) {
        if (!(error instanceof InvalidFaultRuleError)) throw error;
        onInvalid(error);
      }
    }
    return kept.length === 0 ? FaultMatcher.EMPTY : new FaultMatcher(byOperation, kept);
  }

  /** The rules matching `request`, oldest first; undefined when none does (the common case: no allocation). */
  match(request: FaultRequest): FaultRule[] | undefined {
    const candidates = this.#byOperation.get(request.operation);
    if (candidates === undefined) return undefined;
    // Vault names are case-insensitive; the data plane's come lower case already (from the Host).
    const vault = request.vault?.toLowerCase();
    let matched: FaultRule[] | undefined;
    for (const c of candidates) {
      if (c.methods !== null && !c.methods.has(request.method)) continue;
      if (c.principals !== null && !c.principals.has(request.principal)) continue;
      if (c.vaults !== null && (vault === undefined || !c.vaults.has(vault))) continue;
      if (matched === undefined) matched = [c.rule];
      else matched.push(c.rule);
    }
    return matched;
  }
}

/** The catalogue operations that `patterns` name (operationsNamedBy); absent or empty: every operation. */
export function expandOperations(patterns: readonly string[] | undefined): Set<OperationName> {
  if (!patterns || patterns.length === 0) return new Set(OPERATIONS.map((o) => o.name));
  return new Set(patterns.flatMap(operationsNamedBy));
}

/** A list as a Set, or null (any) when absent or empty: an empty list constrains nothing. */
function anyOr(values: readonly string[] | undefined): ReadonlySet<string> | null {
  return values && values.length > 0 ? new Set(values) : null;
}

const ACTION_TYPES = new Set<string>(FAULT_ACTION_TYPES);

/** What the region needs of an action to carry it out; the control API checks the rest before storing. */
function checkAction(id: string, action: FaultAction | undefined): void {
  if (!action || !ACTION_TYPES.has(action.type))
    throw new InvalidFaultRuleError(id, `unknown action ${JSON.stringify(action?.type)}`);
  const numbers: Record<string, unknown> = {
    status: action.type === 'error' ? action.status : 200,
    retryAfter: 'retryAfter' in action ? (action.retryAfter ?? 0) : 0,
    ms: action.type === 'delay' ? action.ms : 0,
    jitterMs: action.type === 'delay' ? (action.jitterMs ?? 0) : 0,
    maxMs: action.type === 'hang' ? (action.maxMs ?? 0) : 0,
  };
  for (const [field, value] of Object.entries(numbers))
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      throw new InvalidFaultRuleError(id, `${field} must be a non-negative number`);
  if (
    action.type === 'error' &&
    (!Number.isInteger(action.status) || action.status < 100 || action.status > 599)
  )
    throw new InvalidFaultRuleError(id, 'status must be an HTTP status code');
  if (action.type === 'error' && (typeof action.code !== 'string' || typeof action.message !== 'string'))
    throw new InvalidFaultRuleError(id, 'code and message must be strings');
}
