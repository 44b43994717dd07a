import { CodedError } from '@vaultover/foundation';

/** The codes of the errors this package throws. */
export type ObservabilityErrorCode = 'ProgramNotInstalled' | 'ProgramStartFailed' | 'ConfigTemplateInvalid';

/** Base of every error this package throws: `code` is stable, messages are for humans. */
export abstract class ObservabilityError extends CodedError<ObservabilityErrorCode> {}

/** prometheus (or an exporter) is not on PATH. */
export class ProgramNotInstalledError extends ObservabilityError {
  readonly code = 'ProgramNotInstalled';

  constructor(program: string, debianPackage: string) {
    super(
      `${program} not found on PATH. Install it (apt-get install -y ${debianPackage}), or run ` +
        'scripts/vaultover, which installs it.',
    );
  }
}

/** A program exited before it was ready, or did not become ready in time. */
export class ProgramStartError extends ObservabilityError {
  readonly code = 'ProgramStartFailed';
}

/** infra/prometheus/prometheus.yml lost a placeholder the renderer fills in. */
export class ConfigTemplateError extends ObservabilityError {
  readonly code = 'ConfigTemplateInvalid';
}
