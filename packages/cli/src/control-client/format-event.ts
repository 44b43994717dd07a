import type { ControlEvent } from '@vaultover/control';

/** One line per event: `<time>  <kind>  key=value …`, values JSON-encoded unless plain words. */
export function formatEvent(event: ControlEvent): string {
  const details = Object.entries(event.details)
    .map(([key, value]) => `${key}=${show(value)}`)
    .join(' ');
  return `${event.time}  ${event.kind.padEnd(10)}  ${details}`.trimEnd();
}

function show(value: unknown): string {
  if (typeof value === 'string' && /^[\w.:/@+-]+$/.test(value)) return value;
  return JSON.stringify(value) ?? String(value);
}
