import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { SecretClient } from '@azure/keyvault-secrets';
import { VaultoverCredential } from '@vaultover/auth';
import type { Endpoints } from '@vaultover/cli';
import { type CliProcess, runCliProcess, startCli } from '@vaultover/cli/test-support';
import type { ControlStatus } from '@vaultover/control';
import { bearerCall, pollUntil } from '@vaultover/testkit';
import axe from 'axe-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/report-browser.ts';

// The status page as an operator uses it (docs/status-page.md): `vaultover up` (real processes, real
// Redis), `vaultover status --web` for a login link, the page in headless Chromium. A failover forced
// through the control API shows on the page within a second of the API reporting each state; the
// page's own buttons crash and restart a region and fail back (through the session cookie and its CSRF
// header); no console or page error, no serious accessibility violation (axe-core), no secret value on
// the page. Screenshots go to test-results/status-page/; VAULTOVER_UPDATE_DOCS_SCREENSHOT=1 also writes
// the one taken while failed over to docs/status-page.png.

const CONFIG = `logLevel: warn
monitor: { probeIntervalMs: 200, probeTimeoutMs: 150, failureThreshold: 3, recoveryThreshold: 3 }
failover: { failoverWindowMs: 3000, failbackWindowMs: 2000, minFailedOverMs: 1000, leaseMs: 600, autoFailback: false, failureMode: status }
`;
/** The bound: the page shows a state this soon after the control API first reports it. */
const PAGE_LAG_BOUND_MS = 1000;
const OUTPUT = fileURLToPath(new URL('../../test-results/status-page/', import.meta.url));
const DOCS_SCREENSHOT = fileURLToPath(new URL('../../docs/status-page.png', import.meta.url));
const SCOPE = 'https://vault.azure.net/.default';
/** Samples on the chart before the failover: a docs screenshot shows the traffic before it too. */
const SAMPLES_BEFORE = process.env.VAULTOVER_UPDATE_DOCS_SCREENSHOT === '1' ? 20 : 3;
/** A value the load writes: it must never show on the page. */
const SECRET_VALUE = `status-page-${randomBytes(8).toString('hex')}`;

let cwd: string;
let up: CliProcess | undefined;
let endpoints: Endpoints;
let ca: string;
let admin: VaultoverCredential;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];
const pageErrors: string[] = [];
const stopLoad = new AbortController();
let load: Promise<void> = Promise.resolve();

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'vaultover-status-page-'));
  await mkdir(OUTPUT, { recursive: true });
  await writeFile(join(cwd, 'vaultover.yaml'), `dataDir: ${join(cwd, 'state')}\n${CONFIG}`);
  up = startCli(['up', '--config', 'vaultover.yaml'], cwd, { VAULTOVER_REDIS: 'embedded' });
  endpoints = JSON.parse((await up.waitForLine('vaultover ready ', 90_000)).slice('vaultover ready '.length));
  ca = await readFile(endpoints.caFile, 'utf8');
  admin = new VaultoverCredential({ principal: 'admin', dataDir: endpoints.dataDir });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  stopLoad.abort();
  await load;
  await browser?.close();
  if (up && up.child.exitCode === null && up.child.signalCode === null) {
    up.child.kill('SIGINT');
    const stopped = await Promise.race([up.exited.then(() => true), pause(10_000, false)]);
    if (!stopped) up.child.kill('SIGKILL');
  }
  await rm(cwd, { recursive: true, force: true });
});

async function controlCall(method: 'GET' | 'POST', path: string): Promise<{ status: number; body: unknown }> {
  const token = (await admin.getToken(SCOPE))?.token ?? '';
  const reply = await bearerCall(method, `${endpoints.control}${path}`, ca, token);
  return { status: reply.status, body: reply.body ? JSON.parse(reply.body) : undefined };
}

async function status(): Promise<ControlStatus> {
  return (await controlCall('GET', '/api/status')).body as ControlStatus;
}

/** When (Date.now()) `check` first held, polling every 20 ms; fails after `timeoutMs`. */
async function seenAt(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<number> {
  await pollUntil(what, check, { timeoutMs });
  return Date.now();
}

const pageState = () => page.locator('#failover-state').textContent();
const regionField = (region: string, field: string) =>
  page.locator(`#regions tr[data-region="${region}"] [data-field="${field}"]`).textContent();

/**
 * Waits for the control API and the page to reach `state`, each polled on its own, and returns how
 * long after the API the page showed it (negative when the page was first).
 */
async function pageLagBehindApi(state: string): Promise<number> {
  const [api, shown] = await Promise.all([
    seenAt(`the control API reports ${state}`, async () => (await status()).state === state),
    seenAt(`the page shows ${state}`, async () => (await pageState()) === state),
  ]);
  return shown - api;
}

/**
 * axe-core's serious and critical violations on the page as it is, run inside it (evaluated through the
 * debugging protocol, which the page's CSP does not govern).
 */
async function seriousViolations(): Promise<
  { id: string; impact: string | null | undefined; nodes: string[] }[]
> {
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const results = await (globalThis as unknown as { axe: typeof axe }).axe.run();
    return results.violations.map(({ id, impact, nodes }) => ({
      id,
      impact,
      nodes: nodes.map((node) => node.target.join(' ')),
    }));
  });
  return violations.filter(({ impact }) => impact === 'serious' || impact === 'critical');
}

/** Reads and writes through the global endpoint until stopped, so the chart has requests to draw. */
async function runLoad(signal: AbortSignal): Promise<void> {
  const client = new SecretClient(endpoints.gateway, admin, {
    disableChallengeResourceVerification: true,
    retryOptions: { maxRetries: 0 },
    tlsOptions: { ca },
  } as ConstructorParameters<typeof SecretClient>[2]);
  for (let n = 0; !signal.aborted; n++) {
    // Failures are the point of a failover; the control API, not this load, is what the test asserts on.
    await (n % 4 === 0
      ? client.setSecret('status-page', SECRET_VALUE)
      : client.getSecret('status-page')
    ).catch(() => undefined);
    await pause(25);
  }
}

describe('the status page in a browser', { timeout: 180_000 }, () => {
  it('logs in with the link of `vaultover status --web`, and follows a failover, a crash and a failback', async () => {
    // In the deployment's directory, as a user runs it (the endpoints file is .vaultover/endpoints.json).
    const printed = await runCliProcess(['status', '--web'], cwd);
    expect(printed.code, printed.stderr).toBe(0);
    const link = printed.stdout.trim();
    expect(link).toMatch(new RegExp(`^${endpoints.control}/login\\?token=[\\w-]{43}$`));

    // The deployment's CA is not the browser's: its certificate errors are waved through for this context.
    context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // Without a session the page says how to log in, and shows nothing of the deployment.
    await page.goto(`${endpoints.control}/`, { waitUntil: 'load' });
    expect(await page.locator('main').textContent()).toContain('vaultover status --web');
    expect(await page.locator('#failover-state').count()).toBe(0);
    expect(await seriousViolations()).toEqual([]);

    await page.goto(link, { waitUntil: 'load' });
    // Redirected to the page, the token out of the URL (and out of the history).
    expect(page.url()).toBe(`${endpoints.control}/`);
    await pollUntil(
      'the page is live and shows normal',
      async () =>
        (await page.locator('#connection').textContent()) === 'live' && (await pageState()) === 'normal',
    );
    await pollUntil(
      'the page shows both regions up',
      async () =>
        (await regionField('westeurope', 'health')) === 'up' &&
        (await regionField('northeurope', 'health')) === 'up',
    );

    load = runLoad(stopLoad.signal);
    await pollUntil(
      `the chart has ${SAMPLES_BEFORE} samples`,
      async () => Number(await page.locator('#chart').getAttribute('data-samples')) >= SAMPLES_BEFORE,
      { timeoutMs: 40_000 },
    );
    await pollUntil('the page counts the load at the primary', async () =>
      /westeurope [1-9][\d.]* requests\/s/.test((await page.locator('#figures-now').textContent()) ?? ''),
    );

    // A failover forced through the API, as the CLI would.
    const forced = await controlCall('POST', '/api/failover');
    expect(forced.status).toBe(202);
    const lags = {
      'failing-over': await pageLagBehindApi('failing-over'),
      'failed-over': await pageLagBehindApi('failed-over'),
    };
    await writeFile(join(OUTPUT, 'page-lag-ms.json'), `${JSON.stringify(lags)}\n`);
    for (const [state, lag] of Object.entries(lags)) {
      expect(lag, `the page showed ${state} ${lag} ms after the control API`).toBeLessThanOrEqual(
        PAGE_LAG_BOUND_MS,
      );
    }
    await pollUntil(
      'the page shows the last failover and the secondary read-only',
      async () =>
        /changes lost/.test((await page.locator('#last-failover').textContent()) ?? '') &&
        (await regionField('northeurope', 'mode')) === 'read-only',
    );
    await page.screenshot({ path: join(OUTPUT, 'failed-over.png'), fullPage: true });
    if (process.env.VAULTOVER_UPDATE_DOCS_SCREENSHOT === '1') {
      await page.screenshot({ path: DOCS_SCREENSHOT, fullPage: true });
    }
    expect(await page.locator('#state-machine .state.current').getAttribute('data-state')).toBe(
      'failed-over',
    );

    // The page's own buttons: crash the old primary, see it down, start it again, see it up.
    await page.getByRole('button', { name: 'Crash westeurope' }).click();
    await pollUntil(
      'the page shows westeurope down and offline',
      async () =>
        (await regionField('westeurope', 'health')) === 'down' &&
        (await regionField('westeurope', 'mode')) === 'offline',
    );
    expect((await status()).regions.westeurope?.healthy).toBe(false);
    expect(await page.locator('#timeline').textContent()).toContain('westeurope: crash');
    await page.getByRole('button', { name: 'Restart westeurope' }).click();
    await pollUntil(
      'the page shows westeurope up again',
      async () => (await regionField('westeurope', 'health')) === 'up',
      {
        timeoutMs: 30_000,
      },
    );

    await page.getByRole('button', { name: 'Fail back' }).click();
    await pollUntil('the page shows failing-back', async () => (await pageState()) === 'failing-back');
    await pollUntil('the page shows normal again', async () => (await pageState()) === 'normal');
    expect((await status()).state).toBe('normal');
    expect(await page.locator('#action-result').textContent()).toBe('Fail back: done.');

    stopLoad.abort();
    await load;
    await page.screenshot({ path: join(OUTPUT, 'after-failback.png'), fullPage: true });
    expect(await page.content()).not.toContain(SECRET_VALUE);
    expect(consoleErrors, 'console errors').toEqual([]);
    expect(pageErrors, 'page errors').toEqual([]);

    expect(await seriousViolations()).toEqual([]);
  });
});
