// The nemesis run (docs/reliability.md#the-history-checker): a workload of real SDK clients recording
// a history, a seeded schedule of faults, and the history checker's verdict on what happened.
export type { NemesisTarget } from './deployment-api.ts';
export { nemesisDeploymentConfig } from './deployment-config.ts';
export { FAULT_KINDS, type FaultKind, type InjectedFault } from './nemesis.ts';
export type { ProcessResources } from './process-resources.ts';
export { type NemesisReport, type NemesisRunOptions, runNemesis } from './run-nemesis.ts';
