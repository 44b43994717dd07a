export { CliError, EXIT } from './cli/cli-error.ts';
export { runCli } from './cli/run-cli.ts';
export * from './config/index.ts';
export type { Endpoints } from './topology/endpoints.ts';
export type { RegionLaunch, RegionRunner, RunningRegion } from './topology/region-runner.ts';
export { startTopology, type Topology, type TopologyOptions } from './topology/topology.ts';
