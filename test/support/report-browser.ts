/**
 * Opens a run folder's report.html from disk in headless Chromium, as someone who was not there would:
 * what the page complained of, what it asked the network for, what its charts show, and a screenshot.
 * The browser is Debian's chromium (scripts/test installs it from apt); playwright-core only drives it
 * and never downloads one.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';

/** For each step (launch, load, screenshot): generous, for a busy two-core machine running a deployment. */
const DEADLINE_MS = 30_000;

/** One chart of the report, as the browser rendered it. */
export interface RenderedChart {
  /** The heading of the report's section it is in ("Timeline"). */
  readonly heading: string;
  /** The text of each SVG text element: axis titles and ticks, legend labels. */
  readonly texts: readonly string[];
  readonly width: number;
  readonly height: number;
}

/** What opening report.html came to. */
export interface ReportView {
  readonly title: string;
  /** Console messages of type error. */
  readonly consoleErrors: readonly string[];
  /** Uncaught errors in the page. */
  readonly pageErrors: readonly string[];
  /** The URL of every request but the one for report.html itself, web sockets included. */
  readonly requests: readonly string[];
  /** The full-page screenshot, report.png in the run folder. */
  readonly screenshot: string;
  readonly charts: readonly RenderedChart[];
}

export interface ReportBrowser {
  /** Opens `<runDir>/report.html`, waits for it to load, and writes `<runDir>/report.png`. */
  open(runDir: string): Promise<ReportView>;
  close(): Promise<void>;
}

/** Launches one headless Chromium, to be shared by every report a test file opens (a launch takes ~1 s). */
export async function launchReportBrowser(): Promise<ReportBrowser> {
  const browser = await launchChromium();
  return { open: (runDir) => openReport(browser, runDir), close: () => browser.close() };
}

/** Debian's headless Chromium, driven by playwright-core (which never downloads a browser of its own). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: scripts/test installs it from apt; or run sudo apt-get install -y chromium`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // No sandbox: CI containers run as root, where Chromium's sandbox refuses to start. No GPU: none there.
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
    timeout: DEADLINE_MS,
  });
}

async function openReport(browser: Browser, runDir: string): Promise<ReportView> {
  const url = pathToFileURL(join(runDir, 'report.html')).href;
  // A context of its own per report, so that nothing (cache, listeners) carries over from the last one;
  // offline, so that a request the report should not make fails at once rather than waits on the network.
  const context = await browser.newContext({ offline: true });
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const requests: string[] = [];
  context.on('request', (request) => {
    if (request.url() !== url) requests.push(request.url());
  });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(DEADLINE_MS);
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('websocket', (socket) => requests.push(socket.url()));
    await page.goto(url, { waitUntil: 'load', timeout: DEADLINE_MS });
    const screenshot = join(runDir, 'report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    const charts: RenderedChart[] = [];
    for (const figure of await page.locator('figure').all()) {
      const box = await figure.boundingBox();
      charts.push({
        heading: (await figure.locator('xpath=preceding-sibling::h2[1]').textContent()) ?? '',
        texts: await figure.locator('svg text').allTextContents(),
        width: box?.width ?? 0,
        height: box?.height ?? 0,
      });
    }
    return { title: await page.title(), consoleErrors, pageErrors, requests, screenshot, charts };
  } finally {
    await context.close();
  }
}
