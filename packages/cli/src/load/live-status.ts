import { systemClock } from '@vaultover/foundation';
import type { LiveFigures } from '@vaultover/load';
import type { Say } from '../cli/say.ts';
import { formatStatusLine } from './format-load.ts';

/** A terminal's status line is redrawn this often; elsewhere a plain line is written every PLAIN_EVERY_MS. */
const REDRAW_MS = 250;
const PLAIN_EVERY_MS = 5_000;
const CLEAR_LINE = '\r\x1b[2K';

/** A load's live figures on stderr, and a `say` that prints above them. */
export interface LiveStatus {
  /** Prints a line without tearing the status line (on a terminal it is cleared first, then redrawn). */
  readonly say: Say;
  stop(): void;
}

/**
 * The live figures on stderr: redrawn in place on a terminal, a plain line every few seconds elsewhere
 * (logs and CI). `extra` adds to the line (a scenario's failover state).
 */
export function startLiveStatus(figures: () => LiveFigures, extra?: () => string): LiveStatus {
  const tty = process.stderr.isTTY === true;
  const startedAt = performance.now();
  const line = () => {
    const text = formatStatusLine(performance.now() - startedAt, figures());
    return extra ? `${text}  ${extra()}` : text;
  };
  const draw = () => process.stderr.write(tty ? `${CLEAR_LINE}${line()}` : `${line()}\n`);
  const timer = systemClock.setInterval(draw, tty ? REDRAW_MS : PLAIN_EVERY_MS);
  return {
    say(text) {
      process.stderr.write(`${tty ? CLEAR_LINE : ''}vaultover: ${text}\n`);
    },
    stop() {
      timer.cancel();
      if (tty) {
        draw();
        process.stderr.write('\n');
      }
    },
  };
}
