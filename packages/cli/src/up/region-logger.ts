import { type Logger, pino } from 'pino';
import type { LogLevel } from '../config/index.ts';

/**
 * The region nodes' logger: JSON lines on stderr (fd 2), so stdout carries only the ready line.
 * Synchronous writes: the last lines before an exit must not be lost.
 */
export function createRegionLogger(level: LogLevel): Logger {
  return pino({ level, base: { pid: process.pid } }, pino.destination({ dest: 2, sync: true }));
}
