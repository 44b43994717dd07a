import { createHash, createHmac } from 'node:crypto';

/**
 * The users every embedded Redis knows, one per component, each with only what that component does
 * there (docs/architecture.md, "Redis users"). The same list on every server: where a user has no
 * business, its key patterns match nothing of that server's (a region's keys are `vo:{<vault>}:…`,
 * `vo:throttle:…`, `vo:vault-index` and the purge queue's `{vo-purge}:…`; the control Redis's are
 * `vo:control:…`).
 */
export type RedisUser = 'admin' | 'region' | 'replicator' | 'control' | 'exporter';

/** Every user, in the order the ACL file lists them. */
export const REDIS_USERS: readonly RedisUser[] = ['admin', 'region', 'replicator', 'control', 'exporter'];

// A region's own keys, on its own Redis: its vaults, throttling windows, the vault index, the purge
// queue, the results commits keep under their idempotency keys (`vo:commit:{<vault>}:<id>`), and the
// notices of its commits (`vo:repl:changes`).
const REGION_KEYS = [
  '~vo:{*',
  '~vo:throttle:*',
  '~vo:commit:*',
  '~vo:vault-index',
  '~vo:repl:changes',
  '~{vo-purge}:*',
];
// Data commands, scripts, streams, pub/sub and transactions; never what reconfigures, wipes, inspects
// other clients or stops the server (@dangerous: CONFIG, FLUSHALL, FLUSHDB, DEBUG, KEYS, SHUTDOWN,
// MONITOR, CLIENT KILL/LIST, ACL, REPLICAOF, SAVE, MODULE, …). INFO is @dangerous too, but ioredis's
// ready check and BullMQ read it (server version, `loading`), and it holds no secret.
const APPLICATION_COMMANDS = ['+@all', '-@dangerous', '+info', '-function', '-script|flush', '-script|kill'];
// RESTORE is @dangerous because a forged payload can harm the server; a secondary's full resync
// restores the payloads its primary's Redis DUMPed, nothing a client sent.
const RESYNC_COMMANDS = ['+restore'];

/** The ACL rules of each user, without its password. */
export const REDIS_USER_RULES: Readonly<Record<RedisUser, readonly string[]>> = {
  // Operators and tests: everything. No component connects as admin.
  admin: ['~*', '&*', '+@all'],
  // A region node: its store, purge queue, throttling and the replicator's applying side on its own
  // Redis; on the control Redis it reads the failover state and fault rules, renews its write lease,
  // counts fault hits and appends to the request log. Redis requires read and write access to every key
  // a script declares, so the keys its scripts declare (renew-lease.lua: the failover hash and the lease;
  // fault-hits-add.lua: the rules hash and the counters) are fully its own; the events, the transition
  // jobs and the rest of `vo:control:*` are read-only to it.
  region: [
    ...REGION_KEYS,
    '%R~vo:control:*',
    '~vo:control:failover',
    '~vo:control:lease',
    '~vo:control:faults',
    '~vo:control:fault:*',
    '%W~vo:control:requests',
    '&vo:*',
    ...APPLICATION_COMMANDS,
    ...RESYNC_COMMANDS,
  ],
  // A secondary's replicator on the primary's Redis (through the link proxy): reads the notices of
  // commits and every vault's keys (streams, positions, and a resync's snapshot in one read-only
  // script), and writes only its acknowledgements, announced on one channel.
  replicator: [
    '%R~vo:{*',
    '%R~vo:vault-index',
    '%R~vo:repl:changes',
    '%W~vo:{*}:repl:ack:*',
    '&vo:repl:acked',
    '-@all',
    '+@read',
    '+@connection',
    '-@dangerous',
    '+set',
    '+publish',
    '+info',
    // A full resync dumps a page of keys in one read-only script: EVAL_RO, whose declared keys need
    // read access only.
    '+eval_ro',
  ],
  // The control process: the failover state, lease, events, fault rules and transition jobs on the
  // control Redis; on a region's Redis it only reads the vault positions, to count a failover's RPO.
  control: ['~vo:control:*', '%R~vo:vault-index', '%R~vo:{*}:pos', '&vo:control:*', ...APPLICATION_COMMANDS],
  // prometheus-redis-exporter: INFO and the read-only diagnostics it scrapes; started with
  // `--config-command=-`, so it never asks for CONFIG.
  exporter: [
    '-@all',
    '+info',
    '+ping',
    '+select',
    '+client|setname',
    '+slowlog|get',
    '+slowlog|len',
    '+latency|latest',
    '+latency|histogram',
  ],
};

/** The password of `user`: an HMAC of the deployment's secret, so one user's never gives another's. */
export function redisPassword(secret: string, user: RedisUser | 'default'): string {
  return createHmac('sha256', secret).update(`vaultover-redis-user:${user}`).digest('hex');
}

/**
 * The ACL file of an embedded Redis, every user with the SHA-256 of its password (`#…`), so the file
 * holds no password. The default user is on, with a password handed to no one: a client without
 * credentials is refused every command (`NOAUTH`) all the same. It cannot be off: redis-server 7.0
 * replays an AOF's transactions as the default user, and with that user off it drops every MULTI/EXEC
 * block on loading, which is every script's effects: a restart would silently lose the data
 * (redis-acl.test.ts holds it).
 */
export function aclFileText(secret: string): string {
  const lines = [`user default on #${passwordHash(secret, 'default')} ~* &* +@all`];
  for (const user of REDIS_USERS) {
    lines.push(['user', user, 'on', `#${passwordHash(secret, user)}`, ...REDIS_USER_RULES[user]].join(' '));
  }
  return `${lines.join('\n')}\n`;
}

function passwordHash(secret: string, user: RedisUser | 'default'): string {
  return createHash('sha256').update(redisPassword(secret, user)).digest('hex');
}

/** `url` (any credentials dropped) as `user` of the deployment whose secret is `secret`. */
export function redisUrlAs(url: string, user: RedisUser, secret: string): string {
  const parsed = new URL(url);
  parsed.username = user;
  parsed.password = redisPassword(secret, user);
  return parsed.toString();
}
