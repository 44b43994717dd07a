/**
 * The HTTP header naming the failover epoch a request was routed under (docs/design.md#fencing), for
 * tools and tests that talk to a region directly. The global endpoint carries the epoch in the
 * connection's PROXY header instead (proxy-header.ts), which wins when both are present.
 */
export const EPOCH_HEADER = 'x-vaultover-epoch';
