import { ensureSigningKey, TokenIssuer } from '@vaultover/auth/tokens';
import { CliError, EXIT } from '../cli/cli-error.ts';
import { writeStdout } from '../cli/stdout.ts';
import { loadConfig } from '../config/index.ts';

/** Options of `vaultover token`. */
export interface TokenOptions {
  config?: string | undefined;
  /** Token lifetime in seconds; TokenIssuer's default (one hour) when absent. */
  ttl?: number | undefined;
}

/**
 * `vaultover token <principal>`: prints a bearer token for a configured principal, signed with the
 * data directory's key. The key is created when missing, so tokens work before the first `up`.
 */
export async function runToken(principal: string, options: TokenOptions): Promise<number> {
  const config = await loadConfig({ file: options.config });
  const known = Object.keys(config.principals);
  if (!known.includes(principal)) {
    throw new CliError(
      `unknown principal "${principal}"; known principals: ${known.join(', ') || '(none configured)'}`,
      { exitCode: EXIT.usage },
    );
  }
  const signingKey = await ensureSigningKey(config.dataDir);
  const { token } = await new TokenIssuer({ signingKey }).issue(principal, { ttlSeconds: options.ttl });
  await writeStdout(`${token}\n`);
  return EXIT.ok;
}
