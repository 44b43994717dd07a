import { Command, InvalidArgumentError, Option } from 'commander';
import type { AttestOptions } from '../commands/attest-command.ts';
import type { ToxicFlags } from '../commands/link-command.ts';
import { REDIS_MODES, type RedisMode } from '../config/redis-modes.ts';
import { FAULT_ACTIONS, type FaultRuleFlags } from '../control-client/fault-rule-body.ts';
import { CliError, EXIT } from './cli-error.ts';

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
    .addOption(
      new Option(
        '--throttling <mode>',
        "throttle each vault at the real service's limits (real) or not at all (off); overrides the config's throttling.mode",
      ).choices(['real', 'off']),
    )
    .option(
      '--prometheus',
      "also run Prometheus (and a Redis exporter per Redis) scraping every process; as the config's observability.prometheus: true",
    )
    .addOption(
      new Option(
        '--redis <mode>',
        "where Redis comes from: embedded, cluster (each region's store a Redis Cluster), external or containers; overrides VAULTOVER_REDIS and the config's redis.mode",
      ).choices(REDIS_MODES),
    )
    .action(
      async (options: {
        config?: string;
        throttling?: 'real' | 'off';
        prometheus?: boolean;
        redis?: RedisMode;
      }) => {
        // Loaded on use: `--help` and `token` need not load the region node and Redis providers.
        const { runUp } = await import('../commands/up-command.ts');
        setExitCode(await runUp(options));
      },
    );
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
    .option(
      '--control-redis-url <url>',
      'the control Redis, when a control process fails this region over (write lease, assigned mode)',
    )
    .action(
      async (options: {
        name: string;
        config?: string;
        redisUrl?: string;
        port?: number;
        primaryRedisUrl?: string;
        secondaries?: string[];
        controlRedisUrl?: string;
      }) => {
        const { runRegion } = await import('../commands/region-command.ts');
        setExitCode(await runRegion(options));
      },
    );
  program
    .command('control')
    .description(
      'run ONE control process in the foreground (health monitor, failover, global endpoint, control API; ' +
        'what `up` runs); prints "vaultover control ready <json>" on stdout when it serves',
    )
    .option('-c, --config <file>', 'deployment config (YAML or JSON); default: built-in defaults')
    .option(
      '--endpoints <file>',
      "a running `vaultover up`'s endpoints.json: region URLs and the control Redis",
    )
    .option('--region <name=url>', "a region node's URL (repeatable; overrides --endpoints)", collect, [])
    .option(
      '--control-redis-url <url>',
      'the control Redis (default: from --endpoints, else redis.urls.control)',
    )
    .option(
      '--port <port>',
      "control API port (default: the config's control.port; 0 picks a free one)",
      port,
    )
    .option('--gateway-port <port>', "global endpoint port (default: the config's control.gatewayPort)", port)
    .action(async (options: ControlFlags) => {
      const { runControl } = await import('../commands/control-command.ts');
      setExitCode(await runControl(options));
    });
  addClientOptions(
    program
      .command('status')
      .description("show the failover state, the serving region and each region's health (control API)")
      .option('--json', "print the control API's JSON as it is")
      .option('--web', 'print a link that logs a browser into the status page (works once, within 60 s)'),
  ).action(async (options: ClientFlags & { json?: boolean; web?: boolean }) => {
    const { runStatus } = await import('../commands/status-command.ts');
    setExitCode(await runStatus(options));
  });
  for (const transition of ['failover', 'failback'] as const) {
    addClientOptions(
      program
        .command(transition)
        .description(
          transition === 'failover'
            ? 'force a failover to the secondary (exit 1 with the reason when refused)'
            : 'force a failback to the primary (exit 1 with the reason when refused)',
        ),
    ).action(async (options: ClientFlags) => {
      const { runTransition } = await import('../commands/transition-command.ts');
      setExitCode(await runTransition(transition, options));
    });
  }
  addClientOptions(
    program
      .command('events')
      .description('print the control events (transitions, health flips, faults), one per line')
      .option('-f, --follow', 'keep printing new events until Ctrl-C')
      .option('--since <id>', 'only events after this event id')
      .option('--limit <n>', 'at most this many events per request', positiveInteger),
  ).action(async (options: ClientFlags & { follow?: boolean; since?: string; limit?: number }) => {
    const { runEvents } = await import('../commands/events-command.ts');
    setExitCode(await runEvents(options));
  });
  addFaultCommands(program, setExitCode);
  addLinkCommands(program, setExitCode);
  addScenarioCommands(program, setExitCode);
  program
    .command('load')
    .description(
      'run load against a running `vaultover up`: real SDK clients with real retry policies, live figures, ' +
        'a summary per client at the end (docs/load.md)',
    )
    .option(
      '--endpoints <file>',
      'endpoints.json of the deployment (default: .vaultover/endpoints.json here)',
    )
    .option(
      '--client <spec>',
      'a client, NAME:KIND[:OPS][:SETTING=VALUE]… e.g. app:secrets:get=8,set=2:rate=50:retry=sdk-default ' +
        '(repeatable; default app:secrets:get=8,set=2:rate=20)',
      collect,
      [],
    )
    .option(
      '--clients <spec|scenario>',
      'a client spec as --client, or a scenario file or shipped scenario name: its load.clients (repeatable)',
      collect,
      [],
    )
    .option('--duration <time>', 'how long to run, e.g. 30s or 2m (default: until Ctrl-C)')
    .option(
      '--seed <n>',
      'seed of the operation mixes and the values written (default: a random one, shown)',
      integer,
    )
    .option('--json', 'print the summary as JSON')
    .action(
      async (options: {
        endpoints?: string;
        client: string[];
        clients: string[];
        duration?: string;
        seed?: number;
        json?: boolean;
      }) => {
        const { runLoad } = await import('../commands/load-command.ts');
        const { clients, ...rest } = options;
        setExitCode(await runLoad({ ...rest, client: [...options.client, ...clients] }));
      },
    );
  program
    .command('demo')
    .description('run the demo: a private deployment driven by the real Azure SDK, every answer checked')
    .addOption(
      new Option('--story <story>', "failover: a region fails and comes back; vault: one vault's lifecycle")
        .choices(['failover', 'vault'])
        .default('failover'),
    )
    .action(async (options: { story: 'failover' | 'vault' }) => {
      const { runDemo } = await import('../commands/demo-command.ts');
      setExitCode(await runDemo(options));
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
  program
    .command('attest')
    .description("print an attestation token of the deployment's attestation authority (secure key release)")
    .option(
      '--claims <json>',
      'the claims to assert, a JSON object, e.g. \'{"sdk-test": true}\' (default {})',
    )
    .option(
      '--key <file>',
      'the RSA public key to wrap released keys to: PEM (public or private key) or a JWK',
    )
    .option('--new-key <file>', 'make an RSA key pair, write its private key (PKCS#8 PEM) to this new file')
    .option('--authority <url>', "the token's issuer (default: the deployment's global endpoint)")
    .option(
      '--endpoints <file>',
      'endpoints.json of the running deployment (default .vaultover/endpoints.json)',
    )
    .option('--ttl <seconds>', 'token lifetime in seconds (default 3600)', positiveInteger)
    .action(async (options: AttestOptions) => {
      const { runAttest } = await import('../commands/attest-command.ts');
      setExitCode(await runAttest(options));
    });
  return program;
}

/** Flags of `vaultover control`. */
interface ControlFlags {
  config?: string;
  endpoints?: string;
  region?: string[];
  controlRedisUrl?: string;
  port?: number;
  gatewayPort?: number;
}

/** Flags of `vaultover fault add` and `fault throttle`. */
type FaultFlags = FaultRuleFlags & ClientFlags & { json?: boolean };

/** Flags of the commands that use the control API of a running deployment. */
interface ClientFlags {
  endpoints?: string;
  principal?: string;
}

function addClientOptions(command: Command): Command {
  return command
    .option(
      '--endpoints <file>',
      'endpoints.json of the deployment (default: .vaultover/endpoints.json here)',
    )
    .option('--principal <name>', 'principal for the token; needs the administrator role (default: admin)');
}

/**
 * `vaultover fault add | throttle | list | rm`: request-level fault rules through the control API
 * (docs/chaos.md). Each flag of `add` sets one field of the rule; ranges are the API's to check.
 */
function addFaultCommands(program: Command, setExitCode: ExitCodeSink): void {
  const fault = program
    .command('fault')
    .description('add, list and remove request-level fault rules (control API; see docs/chaos.md)');
  const ruleCommand = (name: string, description: string) =>
    addClientOptions(
      fault
        .command(name)
        .description(description)
        .option('--name <name>', 'a name for the rule (default: its action type)')
        .option('--regions <names>', 'match: regions, comma-separated (default: any)', list)
        .option(
          '--operations <names>',
          'match: operations (SecretGet), patterns (Key*) or groups (read, write), comma-separated',
          list,
        )
        .option('--vaults <names>', 'match: vault names, comma-separated', list)
        .option('--principals <names>', "match: principals (the token's subject), comma-separated", list)
        .option('--methods <names>', 'match: HTTP methods, comma-separated', list)
        .option('--retry-after <seconds>', 'error/throttle: send Retry-After with this many seconds', number)
        .option(
          '--probability <p>',
          'schedule: chance that a matched request is hit, 0–1 (default 1)',
          number,
        )
        .option(
          '--seed <n>',
          'schedule: seed of the probability draws (default: a random one, shown)',
          number,
        )
        .option('--times <n>', 'schedule: hit at most this many requests, then expire', number)
        .option('--skip <n>', 'schedule: let the first this many matches through', number)
        .option(
          '--per-request <n>',
          'schedule: hit only the first this many attempts of each request (x-ms-client-request-id)',
          number,
        )
        .option('--start-after-ms <ms>', 'schedule: become active this long after it is added', number)
        .option('--duration-ms <ms>', 'schedule: stay active this long, then expire', number)
        .option('--json', "print the control API's JSON as it is"),
    );
  ruleCommand('add', 'add a fault rule; prints it with its id (exit 1 with the reason when refused)')
    .addOption(
      new Option('--action <type>', 'what the rule does to the requests it hits')
        .choices(FAULT_ACTIONS)
        .default('error'),
    )
    .option('--status <code>', 'error: HTTP status, 400–599 (default 503)', number)
    .option(
      '--code <code>',
      "error: the error code in the body (default: the status's, e.g. ServiceUnavailable)",
    )
    .option('--message <text>', 'error: the message in the body')
    .option('--ms <ms>', 'delay: hold each hit request this long before it goes on', number)
    .option('--jitter-ms <ms>', 'delay: plus up to this much more (seeded)', number)
    .option('--max-ms <ms>', 'hang: close the connection after this long (default: never)', number)
    .action(async (options: FaultFlags) => {
      const { runFaultAdd } = await import('../commands/fault-command.ts');
      setExitCode(await runFaultAdd(options));
    });
  ruleCommand(
    'throttle',
    "add a rule that answers the real service's 429 Throttled (shorthand for add --action throttle)",
  ).action(async (options: FaultFlags) => {
    const { runFaultAdd } = await import('../commands/fault-command.ts');
    setExitCode(await runFaultAdd({ ...options, action: 'throttle' }));
  });
  addClientOptions(
    fault
      .command('list')
      .description('list the fault rules with their state and hits')
      .option('--json', "print the control API's JSON as it is"),
  ).action(async (options: ClientFlags & { json?: boolean }) => {
    const { runFaultList } = await import('../commands/fault-command.ts');
    setExitCode(await runFaultList(options));
  });
  addClientOptions(
    fault
      .command('rm')
      .description('remove a fault rule by its id, or every rule with --all')
      .argument('[id]', 'the id `fault add` or `fault list` printed')
      .option('--all', 'remove every fault rule')
      .option('--json', 'print what was removed as JSON'),
  ).action(async (id: string | undefined, options: ClientFlags & { all?: boolean; json?: boolean }) => {
    const { runFaultRemove } = await import('../commands/fault-command.ts');
    setExitCode(await runFaultRemove(id, options));
  });
}

/**
 * `vaultover link list | <name> toxic add <type> | <name> toxic rm <toxic> | <name> enable|disable`: the
 * deployment's links (the clients' link to the global endpoint, the replication links) and their toxics,
 * through the control API and the replication links' API (docs/chaos.md). Link names come from the running
 * deployment, so everything after the name is parsed here rather than declared as subcommands.
 */
function addLinkCommands(program: Command, setExitCode: ExitCodeSink): void {
  type LinkFlags = ToxicFlags & ClientFlags & { all?: boolean; json?: boolean };
  addClientOptions(
    program
      .command('link')
      .description('list the links and add or remove their toxics (docs/chaos.md)')
      .usage(
        'list | <name> toxic add <type> [options] | <name> toxic rm <toxic>|--all | <name> enable|disable',
      )
      .argument('<name>', '`list`, or a link as `vaultover link list` names them (global-endpoint, …)')
      .argument('[command...]', 'after a link: `toxic add <type>`, `toxic rm [toxic]`, `enable` or `disable`')
      .option('--name <toxic>', 'toxic add: a name for the toxic (default: <type>_<stream>)')
      .addOption(
        new Option('--stream <direction>', 'toxic add: which way it acts (default downstream)').choices([
          'upstream',
          'downstream',
          'both',
        ]),
      )
      .option('--toxicity <p>', 'toxic add: chance, 0–1, that it acts on a connection (default 1)', number)
      .option('--latency <ms>', 'latency: delay added to every chunk', number)
      .option('--jitter <ms>', 'latency: ± spread around the latency', number)
      .option('--rate <KB/s>', 'bandwidth: throughput limit', number)
      .option('--timeout <ms>', 'timeout, reset_peer: reset the connection after this long', number)
      .option('--all', 'toxic rm: every toxic of the link')
      .option('--json', 'print the JSON of the API (list: one object by link name)'),
  ).action(async (name: string, words: string[], options: LinkFlags) => {
    const commands = await import('../commands/link-command.ts');
    // `list` is a word, not a subcommand: a subcommand would take the options the link commands share.
    if (name === 'list' && words.length === 0) return setExitCode(await commands.runLinkList(options));
    const [noun, verb, target, ...extra] = words;
    if (noun === 'toxic' && verb === 'add' && target !== undefined && extra.length === 0) {
      return setExitCode(await commands.runToxicAdd(name, target, options));
    }
    if (noun === 'toxic' && verb === 'rm' && extra.length === 0) {
      return setExitCode(await commands.runToxicRemove(name, target, options));
    }
    if ((noun === 'enable' || noun === 'disable') && words.length === 1) {
      return setExitCode(await commands.runLinkEnable(name, noun === 'enable', options));
    }
    throw new CliError(
      `vaultover link ${name} ${words.join(' ')}: expected toxic add <type>, toxic rm <toxic>|--all, enable or disable`,
      { exitCode: EXIT.usage },
    );
  });
}

/** `vaultover scenario run | validate | list` (docs/scenarios.md). */
function addScenarioCommands(program: Command, setExitCode: ExitCodeSink): void {
  const scenario = program
    .command('scenario')
    .description('run, check and list scenario files (docs/scenarios.md)');
  scenario
    .command('run')
    .description(
      'run a scenario on a deployment of its own: exit 0 when every expectation holds, 1 when one fails, 2 when it cannot run',
    )
    .argument('<scenario>', 'a scenario file (YAML), or the name of a shipped one (vaultover scenario list)')
    .option('--out <dir>', 'the run folder (default .vaultover/runs/<UTC time>-<name>/)')
    .option('--seed <n>', "the run's seed (default: the scenario's, else a random one)", number)
    .option('--quick', "the scenario's quick timings (every shipped scenario runs in 60 s or less)")
    .option(
      '-c, --config <file>',
      "the deployment config to start, the scenario's deployment: over it; default: the default deployment",
    )
    .action(
      async (file: string, options: { out?: string; seed?: number; quick?: boolean; config?: string }) => {
        const { runScenarioRun } = await import('../commands/scenario-command.ts');
        setExitCode(await runScenarioRun(file, options));
      },
    );
  scenario
    .command('validate')
    .description(
      'check a scenario file: "ok: <name> (…)", or every problem as file:line:col: field: message (exit 2)',
    )
    .argument('<file>', 'the scenario file (YAML)')
    .option(
      '-c, --config <file>',
      "deployment config whose regions the steps may name; default: the default deployment's",
    )
    .action(async (file: string, options: { config?: string }) => {
      const { runScenarioValidate } = await import('../commands/scenario-command.ts');
      setExitCode(await runScenarioValidate(file, options));
    });
  scenario
    .command('list')
    .description('list the shipped scenarios with their descriptions')
    .action(async () => {
      const { runScenarioList } = await import('../commands/scenario-command.ts');
      setExitCode(await runScenarioList());
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number <= 0)
    throw new InvalidArgumentError('expected a positive integer');
  return number;
}

function integer(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) throw new InvalidArgumentError('expected a whole number');
  return parsed;
}

function number(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed)) throw new InvalidArgumentError('expected a number');
  return parsed;
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
