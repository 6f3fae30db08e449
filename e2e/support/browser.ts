/** Chromium (Debian's, via playwright-core), screenshots, TOTP codes and small page helpers. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'otplib';
import { type Browser, chromium, type Page } from 'playwright-core';
import { ROOT } from './console.js';

export const SCREENSHOTS = join(ROOT, 'test-results/screenshots');

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

export async function newPage(browser: Browser): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * TOTP codes the server accepts: it allows one 30-s step either side but never the same step twice,
 * so each call uses a step newer than the last one used for that secret, waiting when needed.
 */
const lastStep = new Map<string, number>();
export async function totp(secret: string): Promise<string> {
  for (;;) {
    const now = Math.floor(Date.now() / 1000);
    const current = Math.floor(now / 30);
    const next = Math.max(current, (lastStep.get(secret) ?? -1) + 1);
    if (next <= current + 1) {
      lastStep.set(secret, next);
      return generate({ secret, epoch: next * 30 });
    }
    await new Promise((r) => setTimeout(r, (30 - (now % 30)) * 1000 + 200));
  }
}

/** Fills a field found by its visible label. */
export async function fill(page: Page, label: string | RegExp, value: string): Promise<void> {
  await page.getByLabel(label, { exact: typeof label === 'string' }).fill(value);
}

/** Runs a test body; on failure saves a screenshot named failure-<name> before rethrowing. */
export async function withFailureShot(page: Page, name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    await shot(page, `failure-${name}`).catch(() => {});
    throw e;
  }
}
