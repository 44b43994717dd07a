// Run inside a region's network namespace (ip netns exec) by test/netns/partition-scenario.test.ts: a
// client beside the region, which no partition of the region's link cuts off. Every 100 ms it writes a
// secret straight to the region node at the URL given, as `officer`, and prints each answer as one JSON
// line: { start, end, status, code, message } (epoch ms; `error` instead when no answer came within 2 s).
// It waits for the deployment's CA and token key to appear in the data directory given, and stops when
// its stdin closes.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { VaultoverCredential } from '@vaultover/auth/tokens';

const [url, dataDir] = process.argv.slice(2) as [string, string];
const INTERVAL_MS = 100;
const ANSWER_TIMEOUT_MS = 2_000;
const FILES_DEADLINE_MS = 60_000;

const caFile = join(dataDir, 'tls', 'ca.pem');
const keyFile = join(dataDir, 'token.key');
const startedAt = Date.now();
while (!existsSync(caFile) || !existsSync(keyFile)) {
  if (Date.now() - startedAt > FILES_DEADLINE_MS) throw new Error(`no ${caFile} and ${keyFile} within 60 s`);
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const ca = await readFile(caFile, 'utf8');
const credential = new VaultoverCredential({ principal: 'officer', dataDir });

let n = 0;
function write(): void {
  n += 1;
  const start = Date.now();
  const print = (fields: Record<string, unknown>) =>
    process.stdout.write(`${JSON.stringify({ start, end: Date.now(), ...fields })}\n`);
  void credential.getToken('https://vault.azure.net/.default').then((token) => {
    const body = JSON.stringify({ value: `direct-${n}` });
    const req = request(
      `${url}/secrets/netns-direct?api-version=7.5`,
      {
        method: 'PUT',
        ca,
        timeout: ANSWER_TIMEOUT_MS,
        agent: false,
        headers: {
          authorization: `Bearer ${token.token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on('end', () => {
          const error = (JSON.parse(text || '{}') as { error?: { code?: string; message?: string } }).error;
          print({ status: res.statusCode, code: error?.code, message: error?.message });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer')));
    req.on('error', (error) => print({ error: error.message }));
    req.end(body);
  });
}

const timer = setInterval(write, INTERVAL_MS);
process.stdin.on('end', () => clearInterval(timer));
process.stdin.resume();
