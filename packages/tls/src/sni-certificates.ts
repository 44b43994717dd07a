import { createSecureContext, type SecureContext } from 'node:tls';
import type { CertificateAuthorityPems } from './certificate-authority.ts';
import { toSubjectName } from './hostnames.ts';
import { pemBundle } from './pem-bundle.ts';
import { issueServerCertificate, subjectNamesOf } from './server-certificate.ts';

/** Options for {@link SniCertificates}. */
export interface SniCertificatesOptions {
  /** The deployment CA (certificate and private key), which signs the leaf certificates. */
  ca: CertificateAuthorityPems;
  /** The server's default certificate: names it lists literally are served with it. */
  defaultCertPem: string;
  /** Whether a server name deserves a certificate of its own (it names an existing vault). */
  wants(servername: string): Promise<boolean>;
  /** How many issued certificates to keep; the oldest go first. Default 1000. */
  maxEntries?: number;
  /** Wall-clock time for validity; tests set it. */
  now?: () => Date;
}

// Leaf certificates are valid 397 days; re-issuing after 30 keeps them far from expiry.
const REISSUE_AFTER_MS = 30 * 86_400_000;

interface Entry {
  context: Promise<SecureContext>;
  issuedAt: number;
}

/**
 * Certificates for names that appear at run time (`<vault>.localhost` of a vault created through the
 * management plane). Node and curl refuse the two-label wildcard `*.localhost`, so each name needs its
 * own certificate: on the first handshake for a name the SNI callback issues one (ECDSA P-256, a few
 * milliseconds), signed by the deployment CA that clients already trust, and caches it. Names the default
 * certificate lists, and names nobody asked for, get the default certificate.
 */
export class SniCertificates {
  readonly #options: SniCertificatesOptions;
  readonly #covered: Set<string>;
  readonly #entries = new Map<string, Entry>();
  /** Lookups under way, so that handshakes racing for a new name issue one certificate. */
  readonly #pending = new Map<string, Promise<SecureContext | undefined>>();

  constructor(options: SniCertificatesOptions) {
    this.#options = options;
    this.#covered = new Set(
      subjectNamesOf(options.defaultCertPem)
        .filter((name) => name.type === 'dns' && !name.value.startsWith('*.'))
        .map((name) => name.value),
    );
  }

  /** For `https.createServer({ SNICallback })`: no context means the default certificate. */
  readonly callback = (servername: string, done: (error: Error | null, context?: SecureContext) => void) => {
    this.contextFor(servername).then(
      (context) => done(null, context),
      // A failure to issue must not break the handshake: the client sees the default certificate.
      () => done(null, undefined),
    );
  };

  /** The context for `servername`, issuing its certificate when needed; undefined for the default one. */
  async contextFor(servername: string): Promise<SecureContext | undefined> {
    const name = servername.toLowerCase().replace(/\.$/, '');
    if (this.#covered.has(name)) return undefined;
    const now = this.#now();
    const entry = this.#entries.get(name);
    if (entry && now - entry.issuedAt < REISSUE_AFTER_MS) return entry.context;
    let pending = this.#pending.get(name);
    if (!pending) {
      pending = this.#options.wants(name).then((wanted) => (wanted ? this.#issue(name, now) : undefined));
      this.#pending.set(name, pending);
      // The caller awaits `pending` and sees its failure; this chain only forgets it once settled.
      void pending.finally(() => this.#pending.delete(name)).catch(() => {});
    }
    return pending;
  }

  #issue(name: string, now: number): Promise<SecureContext> {
    const context = issueServerCertificate(this.#options.ca, [toSubjectName(name)], new Date(now)).then(
      (leaf) =>
        createSecureContext({ key: leaf.keyPem, cert: pemBundle(leaf.certPem, this.#options.ca.certPem) }),
    );
    this.#entries.delete(name); // re-inserted last: the map's order is the eviction order
    this.#entries.set(name, { context, issuedAt: now });
    context.catch(() => this.#entries.delete(name));
    const oldest = this.#entries.keys().next().value;
    if (this.#entries.size > (this.#options.maxEntries ?? 1000) && oldest !== undefined) {
      this.#entries.delete(oldest);
    }
    return context;
  }

  #now(): number {
    return (this.#options.now?.() ?? new Date()).getTime();
  }
}
