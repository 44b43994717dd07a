// Bench child: the load generator, in its own process so it does not steal the server's event loop.
// It answers `ready` with the result once the run is over.
import { runAsChild } from '../child/child-protocol.ts';
import type { LoadResult, LoadSpec } from './load-spec.ts';
import { runLoad } from './run-load.ts';

runAsChild<LoadSpec, LoadResult>(async (spec, emit) => {
  const result = await runLoad(spec, emit);
  return { info: result, close: async () => {} };
});
