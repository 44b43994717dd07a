import type { StopStack } from '@vaultover/foundation';
import { KernelLink } from '@vaultover/link-proxy';
import type { VaultoverConfig } from '../config/index.ts';

/**
 * The links the kernel carries (`links.kernel` of the config; docs/network-namespaces.md), each brought to
 * a clean state (up, no cap) now and left so when the deployment stops. Every one is pushed on `stack`.
 */
export async function startKernelLinks(
  config: Pick<VaultoverConfig, 'links'>,
  stack: StopStack,
): Promise<KernelLink[]> {
  const links: KernelLink[] = [];
  for (const [name, pair] of Object.entries(config.links.kernel)) {
    const link = new KernelLink({ name, pair });
    await link.start();
    stack.push(`kernel link ${name}`, () => link.close());
    links.push(link);
  }
  return links;
}
