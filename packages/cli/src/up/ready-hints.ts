import { LATEST_API_VERSION } from '@vaultover/region';
import type { Say } from '../cli/say.ts';
import type { VaultoverConfig } from '../config/index.ts';
import type { Endpoints } from '../topology/endpoints.ts';

/** Tells a human, on stderr, how to use what just started. */
export function sayReadyHints(
  say: Say,
  config: VaultoverConfig,
  endpoints: Endpoints,
  configArg?: string,
): void {
  const configFlag = configArg === undefined ? '' : ` --config ${shellQuote(configArg)}`;
  const principals = Object.keys(config.principals).join(', ');
  say(
    `ready; endpoints in .vaultover/endpoints.json (default vault "${config.defaultVault}" at ${endpoints.gateway})`,
  );
  for (const [name, { url, role, pid }] of Object.entries(endpoints.regions)) {
    say(`region ${name} (${role}, pid ${pid}) at ${url}`);
  }
  if (endpoints.control !== null) {
    say(`control API at ${endpoints.control}: vaultover status | failover | failback | events --follow`);
  }
  if (endpoints.prometheus !== null) {
    say(
      `Prometheus at ${endpoints.prometheus} (alerts: ${endpoints.prometheus}/alerts; Grafana dashboards: infra/grafana, docs/observability.md)`,
    );
  }
  if (Object.keys(endpoints.links.proxies).length > 0) {
    say(
      `replication links (toxiproxy-style API, an administrator's token): vaultover link list, or ` +
        `curl -s -H "Authorization: Bearer $(vaultover token admin${configFlag})" ${endpoints.links.api}/proxies`,
    );
  }
  say(`trust the local CA:  export NODE_EXTRA_CA_CERTS=${shellQuote(endpoints.caFile)}`);
  say(`get a token:         vaultover token admin${configFlag}   (principals: ${principals})`);
  say(
    `try:  curl --cacert ${shellQuote(endpoints.caFile)} -H "Authorization: Bearer $(vaultover token admin${configFlag})" ` +
      `"${endpoints.gateway}/secrets?api-version=${LATEST_API_VERSION}"`,
  );
  say('Ctrl-C stops everything');
}

function shellQuote(value: string): string {
  return /^[\w./:@%+=,-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
