export { CliError, EXIT } from './cli/cli-error.ts';
export { runCli } from './cli/run-cli.ts';
export * from './config/index.ts';
export { type ChildRunnerOptions, childProcessRegionRunner } from './topology/child-process-region-runner.ts';
export { ChildRegionError } from './topology/child-region-error.ts';
export type { Endpoints } from './topology/endpoints.ts';
export { inProcessRegionRunner } from './topology/in-process-region-runner.ts';
export type {
  RegionLaunch,
  RegionReplication,
  RegionRunner,
  RunningRegion,
} from './topology/region-runner.ts';
export type { ReplicationLinks } from './topology/replication-links.ts';
export {
  CONTROL_REDIS,
  startTopology,
  type Topology,
  type TopologyOptions,
} from './topology/topology.ts';
