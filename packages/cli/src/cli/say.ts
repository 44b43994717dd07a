/** Writes one human-readable progress line (to stderr: stdout is for machine-readable output). */
export type Say = (message: string) => void;

/** The CLI's progress writer: `vaultover: <message>` on stderr. */
export const sayOnStderr: Say = (message) => {
  process.stderr.write(`vaultover: ${message}\n`);
};
