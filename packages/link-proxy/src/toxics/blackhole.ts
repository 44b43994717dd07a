import type { ToxicDefinition } from '../toxic.ts';

/**
 * A partition: every chunk is swallowed and lost, the connection stays open, new connections are
 * accepted. Removing the toxic lets new bytes flow; swallowed bytes never arrive (like toxiproxy's
 * `timeout` toxic with timeout 0). No attributes.
 */
export const blackholeToxic: ToxicDefinition = {
  type: 'blackhole',
  parseAttributes: () => ({}),
  createStage: () => ({
    push() {},
    flush() {},
  }),
};
