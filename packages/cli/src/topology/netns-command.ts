/**
 * `command` as it runs in the Linux network namespace `netns` (`ip netns exec <netns> …`, root only), or
 * as it is without one. `ip` executes the command in place: its pid, signals, pipes and IPC channel are
 * the command's own.
 */
export function inNetns(command: readonly string[], netns: string | undefined): [string, ...string[]] {
  const [file, ...args] = netns === undefined ? command : ['ip', 'netns', 'exec', netns, ...command];
  return [file as string, ...args];
}
