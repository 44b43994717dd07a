/** First line the wrapper prints, followed by redis-server's pid. */
export const PID_LINE_PREFIX = 'vaultover-redis-pid ';

/** Left in the data dir by the watcher: Node is gone, so the wrapper removes the dir itself. */
export const PARENT_GONE_MARK = '.vaultover-parent-gone';

/**
 * /bin/sh script that runs redis-server ($1) with the remaining args and `--dir $2` (last: a config file,
 * if any, must be redis-server's first argument), and ties its life to
 * ours: Node holds the write end of the wrapper's stdin, so when Node dies for any reason (even SIGKILL) the
 * watcher reads EOF and kills redis. stdin is copied to fd 3 first because dash gives a background
 * job /dev/null as stdin even when it says `<&0`, which would make the watcher fire at once.
 * The watcher is killed when redis exits on its own, so it can never kill a reused pid later. When Node
 * died, nobody else is left to remove the data dir, so the wrapper does.
 */
export const WRAPPER_SCRIPT = `
redis_server="$1"; dir="$2"; shift 2
exec 3<&0
"$redis_server" "$@" --dir "$dir" 3<&- &
pid=$!
stopping=
trap 'stopping=1; kill -TERM "$pid" 2>/dev/null' TERM INT HUP
( while read -r _; do :; done; : >"$dir/${PARENT_GONE_MARK}"; kill -TERM "$pid" 2>/dev/null ) <&3 >/dev/null 2>&1 &
watcher=$!
exec 3<&-
echo "${PID_LINE_PREFIX}$pid"
wait "$pid"; status=$?
# A trapped signal interrupts wait; wait again so that redis has finished when we exit.
if [ -n "$stopping" ]; then wait "$pid"; fi
kill "$watcher" 2>/dev/null
if [ -e "$dir/${PARENT_GONE_MARK}" ]; then rm -rf "$dir"; fi
exit "$status"
`;
