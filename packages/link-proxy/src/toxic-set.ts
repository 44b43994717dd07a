import { ToxicExistsError, ToxicNotFoundError } from './errors.ts';
import type { ToxicConfig, ToxicDefinition } from './toxic.ts';
import { parseToxicConfig, type ToxicInput } from './toxic-config.ts';
import { toxicDefinition } from './toxic-registry.ts';

/** Something toxics act on: one connection, both ways. */
export interface ToxicTarget {
  /** Attaches (or replaces) a toxic; the target rolls its `toxicity`. */
  applyToxic(config: ToxicConfig, definition: ToxicDefinition, attributes: object): void;
  /** Detaches a toxic; data it held goes on, in order. */
  removeToxic(name: string): void;
}

/**
 * The toxics of one link (toxiproxy's per-proxy list) and the connections they act on: a change applies at
 * once to every attached connection, and a connection attached later gets every toxic there is.
 */
export class ToxicSet {
  readonly #toxics = new Map<string, { config: ToxicConfig; attributes: object }>();
  readonly #targets = new Set<ToxicTarget>();

  /** Adds a toxic (validated, defaults filled in); ToxicExistsError when its name is taken. */
  add(input: ToxicInput): ToxicConfig {
    const config = parseToxicConfig(input);
    if (this.#toxics.has(config.name)) throw new ToxicExistsError(config.name);
    return this.#install(config);
  }

  /** Updates a toxic's stream, toxicity or attributes (toxiproxy's PATCH: attributes are merged). */
  update(name: string, input: ToxicInput): ToxicConfig {
    return this.#install(parseToxicConfig({ ...input, name }, this.get(name)));
  }

  /** Removes a toxic; data it held goes on in order (swallowed data stays lost). */
  remove(name: string): void {
    this.get(name);
    this.#toxics.delete(name);
    for (const target of this.#targets) target.removeToxic(name);
  }

  removeAll(): void {
    for (const name of [...this.#toxics.keys()]) this.remove(name);
  }

  /** The toxic of that name, or ToxicNotFoundError. */
  get(name: string): ToxicConfig {
    const entry = this.#toxics.get(name);
    if (!entry) throw new ToxicNotFoundError(name);
    return structuredClone(entry.config);
  }

  list(): ToxicConfig[] {
    return [...this.#toxics.values()].map((entry) => structuredClone(entry.config));
  }

  get size(): number {
    return this.#toxics.size;
  }

  /** Applies every toxic to `target` and keeps it in step until the returned function detaches it. */
  attach(target: ToxicTarget): () => void {
    this.#targets.add(target);
    for (const { config, attributes } of this.#toxics.values()) {
      target.applyToxic(config, toxicDefinition(config.type), attributes);
    }
    return () => this.#targets.delete(target);
  }

  #install(config: ToxicConfig): ToxicConfig {
    const definition = toxicDefinition(config.type);
    const attributes = definition.parseAttributes(config.attributes);
    this.#toxics.set(config.name, { config, attributes });
    for (const target of this.#targets) target.applyToxic(config, definition, attributes);
    return structuredClone(config);
  }
}
