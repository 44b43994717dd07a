import type { FaultRuleJson } from '@vaultover/control';
import { table } from './format-status.ts';

/** `vaultover fault list`: one row per rule, oldest first. */
export function formatFaultList(rules: readonly FaultRuleJson[]): string {
  if (rules.length === 0) return 'no fault rules\n';
  const rows = rules.map((rule) => [
    rule.id,
    rule.name,
    actionOf(rule.action),
    rule.state,
    rule.schedule?.times === undefined ? String(rule.hits) : `${rule.hits}/${rule.schedule.times}`,
    matchOf(rule.match),
  ]);
  return `${table(['ID', 'NAME', 'ACTION', 'STATE', 'HITS', 'MATCH'], rows).join('\n')}\n`;
}

/** `vaultover fault add`: the rule as the control API stored it. */
export function formatFaultRule(rule: FaultRuleJson): string {
  return [
    `id        ${rule.id}`,
    `name      ${rule.name}`,
    `action    ${actionOf(rule.action)}`,
    `match     ${matchOf(rule.match)}`,
    `schedule  ${scheduleOf(rule.schedule)}`,
    `state     ${rule.state} (created ${rule.createdAt})`,
    '',
  ].join('\n');
}

/** `error 503 ServiceUnavailable retry-after=2s`, `delay 200ms ±50ms`, `hang max 5000ms`, … */
export function actionOf(action: FaultRuleJson['action']): string {
  const retry =
    'retryAfter' in action && action.retryAfter !== undefined ? ` retry-after=${action.retryAfter}s` : '';
  switch (action.type) {
    case 'error':
      return `error ${action.status} ${action.code}${retry}`;
    case 'throttle':
      return `throttle 429${retry}`;
    case 'delay':
      return `delay ${action.ms}ms${action.jitterMs ? ` ±${action.jitterMs}ms` : ''}`;
    case 'hang':
      return action.maxMs === undefined ? 'hang' : `hang max ${action.maxMs}ms`;
    default:
      return action.type;
  }
}

/** `regions=westeurope operations=SecretGet,Key*`, or `any request`. */
export function matchOf(match: FaultRuleJson['match']): string {
  const parts = Object.entries(match ?? {})
    .filter(([, values]) => Array.isArray(values) && values.length > 0)
    .map(([field, values]) => `${field}=${(values as string[]).join(',')}`);
  return parts.length === 0 ? 'any request' : parts.join(' ');
}

function scheduleOf(schedule: FaultRuleJson['schedule']): string {
  const parts = Object.entries(schedule ?? {}).map(([field, value]) => `${field}=${String(value)}`);
  return parts.length === 0 ? 'every match' : parts.join(' ');
}
