import { runCommand } from '@vaultover/foundation';
import { runPrefix } from './namespace-names.ts';

/**
 * Why network namespaces cannot be made here, or undefined when they can: the tests that need them run
 * as root (CI does), and skip elsewhere with this reason. Tried for real: a namespace made and deleted.
 */
export async function whyNoNetworkNamespaces(): Promise<string | undefined> {
  if (process.platform !== 'linux') return `network namespaces are Linux's (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'making network namespaces takes root (run as root, as CI does)';
  const probe = `${runPrefix()}-probe`;
  try {
    await runCommand('ip', ['netns', 'add', probe]);
  } catch (error) {
    return `ip netns add failed: ${(error as Error).message}`;
  }
  await runCommand('ip', ['netns', 'del', probe]);
  return undefined;
}
