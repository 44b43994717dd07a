// Bench child: SDK calls against the region from the bare loop or the load generator, in a process of
// its own so that its CPU is the client's alone. Its start sets the client up (the secret it reads, the
// SDK's challenge); then it runs a window each time the orchestrator asks, so that the two drivers'
// windows can alternate closely without paying start-up and JIT warm-up in each.
import { runAsChild } from '../child/child-protocol.ts';
import type { LoadEvent } from '../load/load-spec.ts';
import { timeWindow, type WindowSpan, WindowTally } from '../load/load-window.ts';
import { prepareBareLoop } from './bare-sdk-loop.ts';
import { prepareGenerator } from './generator-run.ts';
import type { SdkChildConfig, SdkLoadResult, SdkWindow } from './sdk-load-spec.ts';

/**
 * Starts calling, counting into `tally`; `stop`, once the window has closed, waits for the calls in
 * flight and adds what the driver alone can tell about the window.
 */
type Driver = (tally: WindowTally) => { stop(span: WindowSpan): Promise<Pick<SdkLoadResult, 'open'>> };

runAsChild<SdkChildConfig, Record<string, never>>(async (config) => {
  const driver = await prepareDriver(config);
  const window = async (spec: unknown, emit: (event: LoadEvent) => void): Promise<SdkLoadResult> => {
    const tally = new WindowTally();
    const running = driver(tally);
    const span = await timeWindow(spec as SdkWindow, tally, emit);
    const extra = await running.stop(span);
    return { ...tally.result(span.windowMs), ...extra };
  };
  return { info: {}, close: async () => {}, window };
});

async function prepareDriver(config: SdkChildConfig): Promise<Driver> {
  if (config.driver === 'bare') {
    const loop = await prepareBareLoop(config, config.mix, config.concurrency);
    return (tally) => {
      const workers = loop.start(tally);
      return {
        async stop() {
          await workers;
          return {};
        },
      };
    };
  }
  const generator = await prepareGenerator(config, config.clients);
  return (tally) => generator.start(tally);
}
