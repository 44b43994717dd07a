// Scenario files (issue 11): the schema and its JSON Schema, YAML parsed with positions so that every
// problem names file:line:col and field, durations, and expectations with their verdicts. The runner
// will live here too; the deployment it runs on is started by the CLI and handed in.

export { type DeploymentOverrides, deploymentSchema } from './deployment-schema.ts';
export { DURATION_HINT, parseDuration } from './duration.ts';
export { evaluateExpectations } from './evaluate-expectations.ts';
export {
  EXPECTATION_OPERATORS,
  type Expectation,
  type ExpectationOperator,
  expressionOf,
  parseExpectation,
} from './expectation.ts';
export { CLIENT_FIGURES, type FigureKind, RUN_FIGURES } from './expectation-paths.ts';
export { FAILOVER_EVENTS, type FailoverEvent } from './failover-events.ts';
export { scenarioJsonSchema, scenarioJsonSchemaText } from './json-schema.ts';
export { CLIENT_KINDS, type ClientKind, type LoadClientSpec, type LoadSpec } from './load-schema.ts';
export { nameFromFile, parseScenario, readScenarioFile } from './read-scenario.ts';
export { RETRY_POLICIES, type RetryPolicyName, type RetryPolicySpec } from './retry-policy-schema.ts';
export type { Deployment, DeploymentEndpoints, DeploymentStarter } from './run/deployment.ts';
export { loadClients } from './run/load-clients.ts';
export { type LiveView, type RunOptions, type RunResult, runScenario } from './run/run-scenario.ts';
export type { StepOutcome } from './run/timeline.ts';
export { CLIENT_LINK, DEFAULT_CONTEXT, type ScenarioContext, scenarioContext } from './scenario-context.ts';
export {
  ExpectationInvalidError,
  ScenarioError,
  type ScenarioErrorCode,
  ScenarioInvalidError,
  ScenarioUnreadableError,
} from './scenario-error.ts';
export type { ScenarioIssue } from './scenario-issue.ts';
export { SCENARIO_NAME, type Scenario } from './scenario-schema.ts';
export { listShippedScenarios, SHIPPED_SCENARIOS_DIR, type ShippedScenario } from './shipped-scenarios.ts';
export type { ScenarioStep, StepAction, StepTrigger } from './step-schema.ts';
export type {
  ClientFigures,
  ExpectationResult,
  FailoverFigures,
  ScenarioSummary,
  SummaryFigures,
} from './summary.ts';
