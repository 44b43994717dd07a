import type { VaultoverConfig } from './load-config.ts';

/**
 * The names every process's certificate covers: the configured `hostnames`, and the address of every
 * region and of the control process that has one. One certificate for all (the processes share the data
 * directory's), since a client that reaches a region through the global endpoint checks the region's
 * certificate against the gateway's address.
 */
export function deploymentHostnames(
  config: Pick<VaultoverConfig, 'hostnames' | 'regions' | 'control'>,
): string[] {
  const hosts = [...config.regions, config.control].flatMap(({ host }) => (host === undefined ? [] : [host]));
  return [...new Set([...config.hostnames, ...hosts])];
}
