/** Every screen renders (with its empty/not-available states) and the navigation is role-aware. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launch, newPage, shot, withFailureShot } from './support/browser.js';
import { type RunningConsole, startConsole } from './support/console.js';
import { type Admin, addUserAndEnroll, firstRunSetup, sampleFiles } from './support/flows.js';
import { go } from './support/steps.js';

let browser: Browser;
let c: RunningConsole;
let page: Page;
let admin: Admin;

const SCREENS: [string, string][] = [
  ['dashboard', 'Automated Backups'],
  ['backups', 'Backups'],
  ['restore', 'Restore'],
  ['emergency', 'Emergency Recovery'],
  ['restore-tests', 'Restore tests'],
  ['audit', 'Audit log'],
  ['settings/plans', 'Settings'],
  ['settings/storage', 'Settings'],
  ['settings/keys', 'Settings'],
  ['settings/profiles', 'Settings'],
  ['settings/users', 'Settings'],
  ['settings/contacts', 'Settings'],
  ['settings/general', 'Settings'],
];

before(async () => {
  c = await startConsole();
  browser = await launch();
  page = await newPage(browser);
  admin = await firstRunSetup(page, c.url, { home: c.home, ...sampleFiles(c.home) });
});
after(async () => {
  await browser?.close();
  await c?.stop();
});

test('every screen renders for an administrator', async () => {
  await withFailureShot(page, 'screens', async () => {
    for (const [route, heading] of SCREENS) {
      await go(page, c.origin, route);
      await page.getByRole('heading', { name: heading, exact: true, level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      await shot(page, `50-screen-${route.replace('/', '-')}`);
    }
    // Contacts from the procedures are seeded and copyable.
    await go(page, c.origin, 'settings/contacts');
    await page.getByRole('button', { name: 'Copy System Administrator email' }).waitFor();
  });
});

test('an on-call user sees no audit log, no restore and no administration', async () => {
  await withFailureShot(page, 'oncall-nav', async () => {
    await addUserAndEnroll(page, c.url, admin, {
      username: 'oncall2',
      password: 'oncall-password-123',
      role: 'oncall',
    });
    const nav = page.getByRole('navigation', { name: 'Sections', exact: true });
    const links = (await nav.getByRole('link').allTextContents()).join('|');
    assert.match(links, /Emergency Recovery/);
    assert.doesNotMatch(links, /Audit log/);
    assert.doesNotMatch(links, /^Restore$|\|Restore\|/);
    await go(page, c.origin, 'backups');
    assert.equal(await page.getByRole('button', { name: 'Create Manual Backup' }).count(), 0);
    await shot(page, '51-oncall-backups');
  });
});
