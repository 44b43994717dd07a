import { Agent } from 'node:https';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';

/**
 * One keep-alive agent per region URL, trusting the deployment CA. Requests carry the client's vault host
 * as SNI, so a region presents that vault's certificate; it presents its default one (for its own host
 * name) for a vault it does not know. Either proves the peer is a node of this deployment, so either name
 * is accepted: the chain to the CA is what is checked, always.
 */
export class UpstreamAgents {
  readonly #ca: string;
  readonly #agents = new Map<string, Agent>();

  constructor(ca: string) {
    this.#ca = ca;
  }

  /** The agent for `origin` (`https://host:port`), created on first use. */
  for(origin: URL): Agent {
    let agent = this.#agents.get(origin.origin);
    if (!agent) {
      const ownHost = origin.hostname.replace(/^\[|\]$/g, '');
      agent = new Agent({
        keepAlive: true,
        // Bounded idle pool per SNI name; busy sockets are not capped, as regions queue nothing themselves.
        maxFreeSockets: 64,
        ca: this.#ca,
        checkServerIdentity: (servername: string, cert: PeerCertificate) =>
          checkServerIdentity(servername, cert) && checkServerIdentity(ownHost, cert),
      });
      this.#agents.set(origin.origin, agent);
    }
    return agent;
  }

  /** Closes every pooled connection. */
  destroy(): void {
    for (const agent of this.#agents.values()) agent.destroy();
    this.#agents.clear();
  }
}
