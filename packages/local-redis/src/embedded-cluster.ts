import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '@vaultover/foundation';
import { clusterUrl } from '@vaultover/foundation/redis';
import { createCluster } from './cluster-create.ts';
import { awaitClusterReady } from './cluster-readiness.ts';
import { RedisPortInUseError, UnknownRedisInstanceError } from './errors.ts';
import { type RedisProcess, startRedisProcess } from './redis-process.ts';
import type { RedisDurability, RedisInstance, RedisLogger } from './redis-provider.ts';
import { aclFileText, redisPassword, redisUrlAs } from './redis-users.ts';

/** Three masters, each with one replica: the smallest cluster that survives the loss of any one node. */
export const CLUSTER_MASTERS = 3;
const BIND_ATTEMPTS = 5;
const ACL_FILE = 'users.acl';
const SECRETS_FILE = 'replication.conf';

/** What an embedded cluster needs; both programs already resolved. */
export interface EmbeddedClusterOptions {
  name: string;
  redisServerPath: string;
  redisCliPath: string;
  baseDir?: string;
  startTimeoutMs: number;
  durability: RedisDurability;
  secret: string;
  nodeTimeoutMs: number;
  logger?: RedisLogger;
}

interface Node {
  readonly dir: string;
  port: number;
  busPort: number;
  process: RedisProcess | null;
}

/**
 * A Redis Cluster of six embedded redis-server children (three masters, each with a replica), each in a
 * temp dir of its own with the deployment's ACL users and the same persistence as any embedded server.
 * A node keeps its ports across a stop and restart, so the cluster's record of it (`nodes.conf`) stays
 * true and it rejoins: a master killed and restarted after its replica was promoted comes back as that
 * replica's replica.
 */
export class EmbeddedCluster {
  readonly #options: EmbeddedClusterOptions;
  readonly #nodes: Node[];

  private constructor(options: EmbeddedClusterOptions, nodes: Node[]) {
    this.#options = options;
    this.#nodes = nodes;
  }

  /** Starts the nodes, creates the cluster and resolves once every replica is linked; leaves nothing on failure. */
  static async start(options: EmbeddedClusterOptions): Promise<EmbeddedCluster> {
    const safeName = options.name.replace(/[^a-zA-Z0-9-]/g, '_');
    const nodes: Node[] = [];
    const cluster = new EmbeddedCluster(options, nodes);
    try {
      for (let i = 0; i < 2 * CLUSTER_MASTERS; i++) {
        const dir = await mkdtemp(join(options.baseDir ?? tmpdir(), `vaultover-redis-${safeName}-node${i}-`));
        nodes.push({ dir, port: 0, busPort: 0, process: null });
      }
      await Promise.all(nodes.map((node) => cluster.#launchOnFreePorts(node)));
      const ports = nodes.map((node) => node.port);
      await createCluster({
        redisCliPath: options.redisCliPath,
        ports,
        adminPassword: redisPassword(options.secret, 'admin'),
      });
      await cluster.#awaitReady();
      options.logger?.info(
        `redis '${options.name}' ready: a cluster of ${CLUSTER_MASTERS} masters and ${CLUSTER_MASTERS} replicas ` +
          `on 127.0.0.1 ports ${ports.join(', ')}`,
      );
      return cluster;
    } catch (error) {
      await cluster.remove();
      throw error;
    }
  }

  /** The cluster as an instance: its URL names every node, so a client can start while any one is down. */
  instance(): RedisInstance {
    const [first] = this.#nodes;
    const address = clusterUrl(this.#nodes.map((node) => ({ host: '127.0.0.1', port: node.port })));
    const { name, secret } = this.#options;
    return {
      name,
      url: redisUrlAs(address, 'admin', secret),
      host: '127.0.0.1',
      port: first?.port ?? 0,
      pid: null,
      nodes: this.#nodes.map((node) => ({ port: node.port, pid: node.process?.pid ?? null })),
      urlAs: (user) => redisUrlAs(address, user, secret),
    };
  }

  /** Stops one node (SIGKILL: a crash), keeping its ports and data dir for restartNode. */
  async stopNode(port: number, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const node = this.#nodeAt(port);
    const running = node.process;
    node.process = null;
    await running?.stop(signal);
    if (running) this.#options.logger?.info(`redis '${this.#options.name}' node ${port} stopped (${signal})`);
  }

  /** Starts one node again on its ports and data dir; resolves once the cluster is whole and linked again. */
  async restartNode(port: number): Promise<void> {
    const node = this.#nodeAt(port);
    await this.stopNode(port);
    await this.#launch(node, node.port, node.busPort);
    await this.#awaitReady();
  }

  /** Stops every node (the whole store goes down), keeping their ports and data dirs. */
  async stopAll(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    await Promise.all(this.#nodes.map((node) => this.stopNode(node.port, signal)));
  }

  /** Starts every node again; resolves once the cluster is whole and linked again. */
  async restartAll(): Promise<void> {
    await this.stopAll();
    await Promise.all(this.#nodes.map((node) => this.#launch(node, node.port, node.busPort)));
    await this.#awaitReady();
  }

  /** Stops every node and removes their data dirs. */
  async remove(): Promise<void> {
    await Promise.all(
      this.#nodes.map(async (node) => {
        await node.process?.stop();
        node.process = null;
        await rm(node.dir, { recursive: true, force: true });
      }),
    );
  }

  #nodeAt(port: number): Node {
    const node = this.#nodes.find((candidate) => candidate.port === port);
    if (!node) {
      throw new UnknownRedisInstanceError(
        `redis '${this.#options.name}' has no cluster node on port ${port}`,
      );
    }
    return node;
  }

  #adminUrl = (port: number) => redisUrlAs(`redis://127.0.0.1:${port}`, 'admin', this.#options.secret);

  #awaitReady(): Promise<void> {
    const running = this.#nodes.filter((node) => node.process !== null).map((node) => node.port);
    return awaitClusterReady(running, this.#adminUrl, this.#options.startTimeoutMs);
  }

  async #launch(node: Node, port: number, busPort: number): Promise<void> {
    const { secret, redisServerPath, startTimeoutMs, durability, nodeTimeoutMs } = this.#options;
    const aclFile = join(node.dir, ACL_FILE);
    const secretsFile = join(node.dir, SECRETS_FILE);
    await writeFile(aclFile, aclFileText(secret), { mode: 0o600 });
    await writeFile(secretsFile, `masteruser replica\nmasterauth ${redisPassword(secret, 'replica')}\n`, {
      mode: 0o600,
    });
    node.process = await startRedisProcess({
      redisServerPath,
      port,
      dir: node.dir,
      aclFile,
      pingUrl: this.#adminUrl(port),
      startTimeoutMs,
      durability,
      cluster: { busPort, nodeTimeoutMs, secretsFile },
    });
    node.port = port;
    node.busPort = busPort;
  }

  // Another process may take a free port before redis binds it: pick new ones a few times.
  async #launchOnFreePorts(node: Node): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const port = await findFreePort();
        let busPort = await findFreePort();
        while (busPort === port) busPort = await findFreePort();
        return await this.#launch(node, port, busPort);
      } catch (error) {
        if (!(error instanceof RedisPortInUseError) || attempt >= BIND_ATTEMPTS) throw error;
      }
    }
  }
}
