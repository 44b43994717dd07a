import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../config/index.ts';
import { regionNodeOptions } from './region-node-options.ts';

describe('regionNodeOptions', () => {
  const placement = {
    name: 'westeurope',
    role: 'primary' as const,
    port: 8443,
    redisUrl: 'redis://127.0.0.1:6379',
    replication: {},
  };
  const logger = pino({ level: 'silent' });

  it('hands every node the propagation delays of the config', () => {
    const parsed = validateConfig({ propagationDelays: { deleteRecoverMs: 5000 } }, 'x');
    const options = regionNodeOptions({ ...parsed, file: null }, placement, logger);
    expect(options.delays).toEqual({ deleteRecoverMs: 5000, certificateCreateMs: 0 });
  });

  it('hands none by default: every change shows at once', () => {
    const options = regionNodeOptions({ ...validateConfig({}, 'x'), file: null }, placement, logger);
    expect(options.delays).toEqual({ deleteRecoverMs: 0, certificateCreateMs: 0 });
  });
});
