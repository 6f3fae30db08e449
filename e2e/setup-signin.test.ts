/** First-run setup (administrator, TOTP enrollment from the QR/secret, storage, key, default plans) and sign-in. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launch, newPage, shot, totp, withFailureShot } from './support/browser.js';
import { type RunningConsole, startConsole } from './support/console.js';
import { type Admin, firstRunSetup, sampleFiles, signIn, signOut } from './support/flows.js';

let browser: Browser;
let c: RunningConsole;

before(async () => {
  c = await startConsole();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await c?.stop();
});

test('first-run setup, then sign-in with password and TOTP', async () => {
  const page = await newPage(browser);
  await withFailureShot(page, 'setup-signin', async () => {
    const files = sampleFiles(c.home);
    const admin: Admin = await firstRunSetup(page, c.url, {
      home: c.home,
      uploads: files.uploads,
      config: files.config,
      onStep: (n) => shot(page, n),
    });
    assert.match(admin.secret, /^[A-Z2-7]{16,}$/, 'the TOTP secret is shown on screen for typing in');
    // The token left the address bar once it was read.
    assert.doesNotMatch(page.url(), /token=/);
    await shot(page, '07-dashboard-after-setup');
    const plans = page.getByRole('table').first();
    await plans.getByText('File System Backup').waitFor();
    await plans.getByText('Complete System Backup').waitFor();
    assert.match((await page.locator('body').textContent()) ?? '', /EAT \(Africa\/Nairobi\)/);

    await signOut(page);
    await shot(page, '08-sign-in');
    // A wrong code is refused with a readable message.
    await page.getByLabel('Username').fill(admin.username);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByLabel('Authenticator code').fill('000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Could not sign in' }).waitFor();
    await shot(page, '09-sign-in-error');
    await page.getByLabel('Authenticator code').fill(await totp(admin.secret));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Automated Backups' }).waitFor();
    await signOut(page);
    await signIn(page, c.url, admin);
  });
});
