export { CliError, EXIT } from './cli/cli-error.ts';
export { runCli } from './cli/run-cli.ts';
export * from './config/index.ts';
export { ChildControlError } from './topology/child-control-error.ts';
export {
  type ChildControlRunnerOptions,
  childProcessControlRunner,
} from './topology/child-process-control-runner.ts';
export { type ChildRunnerOptions, childProcessRegionRunner } from './topology/child-process-region-runner.ts';
export { ChildRegionError } from './topology/child-region-error.ts';
export type { ControlLaunch, ControlRunner, RunningControl } from './topology/control-runner.ts';
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
