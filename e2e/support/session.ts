/**
 * The fixture most e2e files share: a scratch PostgreSQL database, the real console
 * (`mvono-backup serve`), Chromium, and first-run setup done through the UI by the administrator.
 */
import type { Browser, Page } from 'playwright-core';
import { launch, newPage } from './browser.js';
import { type RunningConsole, startConsole } from './console.js';
import { type ScratchDb, scratchDb } from './db.js';
import { type Admin, firstRunSetup, sampleFiles } from './flows.js';

export interface ConsoleSession {
  db: ScratchDb;
  c: RunningConsole;
  browser: Browser;
  page: Page;
  admin: Admin;
  close(): Promise<void>;
}

export async function setUpConsole(): Promise<ConsoleSession> {
  const db = await scratchDb();
  let c: RunningConsole | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await c?.stop();
    await db.cleanup();
  };
  try {
    c = await startConsole();
    browser = await launch();
    const page = await newPage(browser);
    const admin = await firstRunSetup(page, c.url, {
      home: c.home,
      database: db.name,
      ...sampleFiles(c.home),
    });
    return { db, c, browser, page, admin, close };
  } catch (e) {
    // a failed setup still leaves nothing behind: no console, browser or scratch database
    await close().catch(() => {});
    throw e;
  }
}
