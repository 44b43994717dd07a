// Run inside a namespace (ip netns exec) by test/netns/partition-scenario.test.ts: every 200 ms it opens
// a TCP connection to the host and port given and prints one JSON line { start, end, ok }: ok when the
// connection was made within 500 ms. Stops when its stdin closes.
import { connect } from 'node:net';

const [host, port] = process.argv.slice(2) as [string, string];
const INTERVAL_MS = 200;
const CONNECT_DEADLINE_MS = 500;

function probe(): void {
  const start = Date.now();
  const socket = connect({ host, port: Number(port) });
  let reported = false;
  const done = (ok: boolean) => {
    if (reported) return;
    reported = true;
    clearTimeout(deadline);
    socket.destroy();
    process.stdout.write(`${JSON.stringify({ start, end: Date.now(), ok })}\n`);
  };
  const deadline = setTimeout(() => done(false), CONNECT_DEADLINE_MS);
  socket.once('connect', () => done(true));
  socket.once('error', () => done(false));
}

const timer = setInterval(probe, INTERVAL_MS);
process.stdin.on('end', () => clearInterval(timer));
process.stdin.resume();
