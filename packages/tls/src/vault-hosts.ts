/**
 * Which vault a request is for, from its host name: `<vault>.localhost` (or `<vault>.<any configured host>`)
 * names a vault; a plain configured host (`localhost`, `127.0.0.1`, …) means the default vault.
 */
export class VaultHostResolver {
  readonly #defaultVault: string;
  readonly #plainHosts: Set<string>;

  constructor(defaultVault: string, extraHosts: readonly string[] = []) {
    this.#defaultVault = defaultVault;
    this.#plainHosts = new Set([
      'localhost',
      '127.0.0.1',
      '::1',
      '[::1]',
      ...extraHosts.map((h) => h.toLowerCase()),
    ]);
  }

  /** The vault name for `hostname`, or undefined when the host names nothing we serve. */
  resolve(hostname: string): string | undefined {
    const host = hostname.toLowerCase();
    // `<vault>.<host>` names a vault even when the whole name is also configured (for the certificate).
    const named = this.split(host);
    if (named) return named.vault;
    if (this.#plainHosts.has(host)) return this.#defaultVault;
    return undefined;
  }

  /** `<vault>.<host>` (host one of ours) split into the two, lower case; undefined for any other name. */
  split(hostname: string): { vault: string; host: string } | undefined {
    const host = hostname.toLowerCase();
    const dot = host.indexOf('.');
    if (dot > 0 && this.#plainHosts.has(host.slice(dot + 1))) {
      return { vault: host.slice(0, dot), host: host.slice(dot + 1) };
    }
    return undefined;
  }
}
