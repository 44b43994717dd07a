import { z } from 'zod';

// Durations are written the way people say them (`500ms`, `10s`, `2m`, `1m30s`) and held in
// milliseconds. Whole numbers only: a fraction of a unit (`1.5s`) is written in the smaller unit
// (`1500ms`), which keeps the grammar one regular expression that the JSON Schema can carry too.
const DURATION = /^(?=\d)(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** A pattern for JSON Schema and editors: the same grammar as parseDuration. */
export const DURATION_PATTERN = DURATION.source;

/** What a duration looks like, for messages. */
export const DURATION_HINT = 'a duration such as 500ms, 10s, 2m or 1m30s';

/** Milliseconds of `text`, or undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  const [, minutes, seconds, millis] = match;
  return Number(minutes ?? 0) * 60_000 + Number(seconds ?? 0) * 1000 + Number(millis ?? 0);
}

/** A duration field: a string in the file, milliseconds after parsing. */
export function durationSchema(options: { positive?: boolean } = {}) {
  return z
    .string({ error: `expected ${DURATION_HINT}` })
    .regex(DURATION, { error: `expected ${DURATION_HINT}` })
    .transform((text, ctx) => {
      const ms = parseDuration(text) as number;
      if (options.positive && ms === 0) {
        ctx.addIssue({ code: 'custom', message: 'expected a duration above 0', input: text });
        return z.NEVER;
      }
      return ms;
    });
}
