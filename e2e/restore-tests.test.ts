/** Recording a restore test (the procedures' 7 steps) and seeing it in the history with its RTO. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { shot, withFailureShot } from './support/browser.js';
import type { RunningConsole } from './support/console.js';
import type { ScratchDb } from './support/db.js';
import { type Admin, addUserAndEnroll } from './support/flows.js';
import { type ConsoleSession, setUpConsole } from './support/session.js';
import { addProfile, go, manualBackup } from './support/steps.js';

let c: RunningConsole;
let db: ScratchDb;
let page: Page;
let admin: Admin;

let session: ConsoleSession | undefined;

before(async () => {
  session = await setUpConsole();
  ({ db, c, page, admin } = session);
  await addProfile(page, c.origin, admin, {
    name: 'Restore test database',
    database: db.staging,
    environment: 'test',
  });
  await manualBackup(page, c.origin, { name: 'Weekly test source' });
  await addUserAndEnroll(page, c.url, admin, { username: 'dba2', password: 'dba-password-123', role: 'dba' });
});
after(async () => {
  await session?.close();
});

test('a DBA records a weekly database-only restore test', async () => {
  await withFailureShot(page, 'restore-test', async () => {
    await go(page, c.origin, 'restore-tests');
    await page.getByRole('region', { name: 'Restore-test compliance' }).waitFor();
    await shot(page, '40-restore-tests');
    await page.getByRole('button', { name: 'Record a test' }).click();
    await page.getByLabel('Kind of test').selectOption('database');
    const opt = page
      .getByLabel('Test database server')
      .locator('option', { hasText: 'Restore test database' });
    await page.getByLabel('Test database server').selectOption((await opt.getAttribute('value')) ?? '');
    await page.getByRole('table', { name: 'Snapshots' }).getByRole('radio').first().check();
    await page.getByRole('button', { name: 'Start test restore' }).click();
    await page
      .getByRole('table', { name: 'Validation report' })
      .or(page.getByRole('list', { name: 'Automatic checks' }))
      .waitFor({ timeout: 120_000 });
    for (const box of await page.locator('.procedure input[type=checkbox]').all()) await box.check();
    await page.getByLabel('Notes').fill('Restored into the test server; row counts sampled.');
    await shot(page, '41-record-test');
    await page.getByRole('button', { name: /Record test result \(passed\)/ }).click();
    await page.getByText('Test recorded (passed)').waitFor();
    await page.getByRole('button', { name: 'Close' }).click();
    const history = page.getByRole('table', { name: 'Restore test history' });
    const row = history.getByRole('row').nth(1);
    await row.getByText('passed').waitFor();
    assert.match((await row.textContent()) ?? '', /\d+ (ms|s|min)/, 'the RTO is shown');
    await shot(page, '42-restore-test-history');
  });
});
