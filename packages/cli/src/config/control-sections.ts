import { z } from 'zod';
import { CONFIG_DEFAULTS, FAILURE_MODES } from './config-defaults.ts';
import { hostSchema, netnsSchema } from './network-section.ts';

// The config sections the control process reads: health probes, failover timings, its own ports.

const POSITIVE = 'expected a positive integer';
const NON_NEGATIVE = 'expected a whole number of milliseconds, 0 or more';
const PORT_RANGE = 'expected a port from 0 to 65535 (0 picks a free one)';

function positiveInteger(fallback: number) {
  return z.number().int({ error: POSITIVE }).positive({ error: POSITIVE }).default(fallback);
}

function nonNegativeInteger(fallback: number) {
  return z.number().int({ error: NON_NEGATIVE }).min(0, { error: NON_NEGATIVE }).default(fallback);
}

function port(fallback: number) {
  return z.number().int().min(0, { error: PORT_RANGE }).max(65_535, { error: PORT_RANGE }).default(fallback);
}

const monitor = CONFIG_DEFAULTS.monitor;

/** `monitor:` how the control process probes each region's /health. */
export const monitorSchema = z
  .strictObject({
    probeIntervalMs: positiveInteger(monitor.probeIntervalMs),
    probeTimeoutMs: positiveInteger(monitor.probeTimeoutMs),
    failureThreshold: positiveInteger(monitor.failureThreshold),
    recoveryThreshold: positiveInteger(monitor.recoveryThreshold),
  })
  .superRefine((settings, ctx) => {
    // A probe still waiting when the next one starts would blur "consecutive failures". (An invalid
    // interval is already reported by its own field's check.)
    if (settings.probeIntervalMs > 0 && settings.probeTimeoutMs >= settings.probeIntervalMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['probeTimeoutMs'],
        message: `expected less than monitor.probeIntervalMs (${settings.probeIntervalMs}), got ${settings.probeTimeoutMs}`,
      });
    }
  });

const failover = CONFIG_DEFAULTS.failover;

/** `failover:` the windows, the flapping guard and the write lease. */
export const failoverSchema = z.strictObject({
  failoverWindowMs: nonNegativeInteger(failover.failoverWindowMs),
  failbackWindowMs: nonNegativeInteger(failover.failbackWindowMs),
  minFailedOverMs: nonNegativeInteger(failover.minFailedOverMs),
  autoFailback: z.boolean().default(failover.autoFailback),
  failureMode: z.enum(FAILURE_MODES).default(failover.failureMode),
  leaseMs: positiveInteger(failover.leaseMs),
});

/**
 * `control:` where the control API and the global endpoint listen (clashes: cross-field-checks.ts): their
 * ports, the address (loopback when absent) and the network namespace of the control process.
 */
export const controlSchema = z.strictObject({
  port: port(CONFIG_DEFAULTS.control.port),
  gatewayPort: port(CONFIG_DEFAULTS.control.gatewayPort),
  host: hostSchema.optional(),
  netns: netnsSchema.optional(),
});
