import { Command, InvalidArgumentError } from 'commander';

/** Receives the exit code a command's action resolved with. */
export type ExitCodeSink = (code: number) => void;

/** The `vaultover` command line. Actions report their exit code to `setExitCode`. */
export function buildProgram(setExitCode: ExitCodeSink): Command {
  const program = new Command('vaultover')
    .description('Multi-region replication and failover simulator for a Key-Vault-style service')
    .showHelpAfterError('(run vaultover help for usage)')
    .exitOverride();
  program
    .command('up')
    .description('start the deployment; prints "vaultover ready <json>" on stdout when it serves')
    .option('-c, --config <file>', 'deployment config (YAML or JSON); default: built-in defaults')
    .action(async (options: { config?: string }) => {
      // Loaded on use: `--help` and `token` need not load the region node and Redis providers.
      const { runUp } = await import('../commands/up-command.ts');
      setExitCode(await runUp(options));
    });
  program
    .command('region')
    .description(
      'run ONE region node in the foreground (what `up` runs per region; also for regions on other hosts); ' +
        'prints "vaultover region ready <json>" on stdout when it serves',
    )
    .requiredOption('-n, --name <region>', 'region name from the config, e.g. westeurope')
    .option('-c, --config <file>', 'deployment config (YAML or JSON); default: built-in defaults')
    .option('--redis-url <url>', "the region's Redis (default: redis.urls.<region> of the config)")
    .option('--port <port>', "HTTPS port (default: the config's; 0 picks a free one)", port)
    .option(
      '--primary-redis-url <url>',
      "secondary only: the primary's Redis (or a link proxy in front of it)",
    )
    .option(
      '--secondaries <names>',
      "primary only: comma-separated secondaries (default: the config's)",
      list,
    )
    .action(
      async (options: {
        name: string;
        config?: string;
        redisUrl?: string;
        port?: number;
        primaryRedisUrl?: string;
        secondaries?: string[];
      }) => {
        const { runRegion } = await import('../commands/region-command.ts');
        setExitCode(await runRegion(options));
      },
    );
  program
    .command('demo')
    .description('run the demo: a private deployment driven by the real Azure SDK, every answer checked')
    .action(async () => {
      const { runDemo } = await import('../commands/demo-command.ts');
      setExitCode(await runDemo());
    });
  program
    .command('token')
    .description('print a bearer token for a configured principal')
    .argument('<principal>', 'principal name from the config, e.g. admin')
    .option('-c, --config <file>', 'deployment config (YAML or JSON); default: built-in defaults')
    .option('--ttl <seconds>', 'token lifetime in seconds (default 3600)', positiveInteger)
    .action(async (principal: string, options: { config?: string; ttl?: number }) => {
      const { runToken } = await import('../commands/token-command.ts');
      setExitCode(await runToken(principal, options));
    });
  return program;
}

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number <= 0)
    throw new InvalidArgumentError('expected a positive integer');
  return number;
}

function port(value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 0 || number > 65_535)
    throw new InvalidArgumentError('expected a port from 0 to 65535');
  return number;
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
