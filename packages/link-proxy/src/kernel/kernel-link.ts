import type { ApiLink } from '../api-link.ts';
import { BadToxicError, KernelCommandError, ToxicExistsError, ToxicNotFoundError } from '../errors.ts';
import type { ProxyView } from '../link-proxy-options.ts';
import type { LinkMetrics } from '../metrics.ts';
import type { Direction, ToxicConfig } from '../toxic.ts';
import { parseToxicConfig, type ToxicInput } from '../toxic-config.ts';
import { type LinkKernel, type VethPair, vethKernel } from './veth-kernel.ts';

/** What the kernel is told: the pair up or down, and a cap per direction (bytes a second) or none. */
interface KernelState {
  readonly up: boolean;
  readonly rate: Readonly<Record<Direction, number | null>>;
}

const DIRECTIONS: readonly Direction[] = ['upstream', 'downstream'];

/** Options of a KernelLink. */
export interface KernelLinkOptions {
  name: string;
  pair: VethPair;
  /** Default: the real kernel (`ip`, `tc`, /sys); unit tests hand in a fake. */
  kernel?: LinkKernel;
}

/**
 * A link the kernel carries (docs/network-namespaces.md): one veth pair between a place in a network
 * namespace of its own and the bridge, driven by the same API as a proxy, so that a scenario names it as
 * it names a proxy. Its toxics are states of the pair: a `blackhole` (both ways) takes it down, a
 * `bandwidth` puts a `tbf` on the end that sends that way; being disabled takes it down too. Other
 * toxics are refused: latency needs `netem`, which this kernel lacks, and stays with the link proxies.
 * Changes run one at a time; a change the kernel refuses is undone, and the link keeps its toxics.
 */
export class KernelLink implements ApiLink {
  readonly name: string;
  readonly #pair: VethPair;
  readonly #kernel: LinkKernel;
  #enabled = true;
  #toxics = new Map<string, ToxicConfig>();
  /** What the kernel was last told successfully; null: nothing yet, so the next change says everything. */
  #told: KernelState | null = null;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: KernelLinkOptions) {
    this.name = options.name;
    this.#pair = options.pair;
    this.#kernel = options.kernel ?? vethKernel(options.pair);
  }

  /** Brings the pair to a link's state without toxics: up, no cap (whatever an earlier run left). */
  start(): Promise<void> {
    return this.#change(() => undefined);
  }

  /** Removes every toxic and enables the link: the network is left as it was found. */
  close(): Promise<void> {
    return this.#change(() => {
      this.#toxics.clear();
      this.#enabled = true;
    });
  }

  get enabled(): boolean {
    return this.#enabled;
  }

  setEnabled(enabled: boolean): Promise<void> {
    return this.#change(() => {
      this.#enabled = enabled;
    });
  }

  addToxic(input: ToxicInput): Promise<ToxicConfig> {
    return this.#change(() => {
      const config = kernelToxic(parseToxicConfig(input));
      if (this.#toxics.has(config.name)) throw new ToxicExistsError(config.name);
      this.#toxics.set(config.name, config);
      return structuredClone(config);
    });
  }

  updateToxic(name: string, input: ToxicInput): Promise<ToxicConfig> {
    return this.#change(() => {
      const config = kernelToxic(parseToxicConfig({ ...input, name }, this.toxic(name)));
      this.#toxics.set(name, config);
      return structuredClone(config);
    });
  }

  removeToxic(name: string): Promise<void> {
    return this.#change(() => {
      this.toxic(name);
      this.#toxics.delete(name);
    });
  }

  removeAllToxics(): Promise<void> {
    return this.#change(() => this.#toxics.clear());
  }

  toxic(name: string): ToxicConfig {
    const config = this.#toxics.get(name);
    if (!config) throw new ToxicNotFoundError(name);
    return structuredClone(config);
  }

  toxics(): ToxicConfig[] {
    return [...this.#toxics.values()].map((config) => structuredClone(config));
  }

  async metrics(): Promise<LinkMetrics> {
    const bytes = await this.#kernel.bytes();
    const both = (count: number) => ({ receivedBytes: count, sentBytes: count });
    return {
      bytes: { upstream: both(bytes.upstream), downstream: both(bytes.downstream) },
      toxicsActive: this.#toxics.size,
      enabled: this.#enabled,
    };
  }

  toJSON(): ProxyView {
    return {
      name: this.name,
      listen: '',
      upstream: '',
      enabled: this.#enabled,
      toxics: this.toxics(),
      kernel: { ...this.#pair },
    };
  }

  /**
   * Edits the link's toxics or its `enabled` (the edit validates before it changes anything), then tells
   * the kernel the difference, after every change before it. When the kernel refuses, the edit is undone
   * and the kernel told the previous state again (as far as it will), and the change fails.
   */
  #change<T>(edit: () => T): Promise<T> {
    const run = async () => {
      const before = { enabled: this.#enabled, toxics: new Map(this.#toxics) };
      const result = edit();
      try {
        await this.#tell(this.#wanted());
      } catch (error) {
        this.#enabled = before.enabled;
        this.#toxics = before.toxics;
        await this.#tell(this.#wanted()).catch(() => {});
        throw new KernelCommandError(`link ${this.name}: ${(error as Error).message}`, { cause: error });
      }
      return result;
    };
    const done = this.#queue.then(run, run);
    this.#queue = done.catch(() => {});
    return done;
  }

  #wanted(): KernelState {
    const toxics = [...this.#toxics.values()];
    const rateOf = (direction: Direction) => {
      const caps = toxics
        .filter(({ type, stream }) => type === 'bandwidth' && (stream === direction || stream === 'both'))
        .map(({ attributes }) => attributes.rate as number)
        // 0 is the toxic's "unlimited".
        .filter((rate) => rate > 0);
      return caps.length === 0 ? null : Math.min(...caps) * 1024;
    };
    return {
      up: this.#enabled && !toxics.some(({ type }) => type === 'blackhole'),
      rate: { upstream: rateOf('upstream'), downstream: rateOf('downstream') },
    };
  }

  /** Tells the kernel what differs from what it was last told; everything when that is not known. */
  async #tell(wanted: KernelState): Promise<void> {
    const told = this.#told;
    // Unknown until every command below has succeeded.
    this.#told = null;
    if (told?.up !== wanted.up) await this.#kernel.setUp(wanted.up);
    for (const direction of DIRECTIONS) {
      if (told?.rate[direction] !== wanted.rate[direction]) {
        await this.#kernel.setRate(direction, wanted.rate[direction]);
      }
    }
    this.#told = wanted;
  }
}

/**
 * The toxics a kernel link takes, as it can carry them out: a blackhole both ways (the pair down cuts
 * both) and bandwidth, on every packet (toxicity 1: the kernel does not tell connections apart).
 */
function kernelToxic(config: ToxicConfig): ToxicConfig {
  if (config.toxicity !== 1) {
    throw new BadToxicError(
      'a kernel link acts on every packet, whatever the connection: toxicity must be 1',
    );
  }
  if (config.type === 'bandwidth') return config;
  if (config.type === 'blackhole') {
    if (config.stream === 'both') return config;
    throw new BadToxicError(
      "a kernel link's blackhole takes its veth pair down, which cuts both ways: give stream both",
    );
  }
  throw new BadToxicError(
    `a kernel link takes blackhole and bandwidth, not ${config.type}: this kernel has no netem, so put ` +
      `${config.type} on a proxy link on the same path`,
  );
}
