/**
 * Manual backup of all components ending Completed in the list; then a failed backup (the database
 * profile points at a closed port) shown as Failed with a readable error on the dashboard and in the log.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { shot, withFailureShot } from './support/browser.js';
import type { RunningConsole } from './support/console.js';
import type { ScratchDb } from './support/db.js';
import type { Admin } from './support/flows.js';
import { type ConsoleSession, setUpConsole } from './support/session.js';
import { go, manualBackup, setProfilePort } from './support/steps.js';

let c: RunningConsole;
let db: ScratchDb;
let page: Page;
let admin: Admin;

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const addr = s.address();
  const port = typeof addr === 'object' && addr ? addr.port : 1;
  await new Promise((r) => s.close(r));
  return port;
}

let session: ConsoleSession | undefined;

before(async () => {
  session = await setUpConsole();
  ({ db, c, page, admin } = session);
});
after(async () => {
  await session?.close();
});

test('a manual backup of all components ends Completed in the backup list', async () => {
  await withFailureShot(page, 'manual-backup', async () => {
    await go(page, c.origin, 'backups');
    await page.getByRole('button', { name: 'Create Manual Backup' }).click();
    const name = page.getByLabel('Descriptive name');
    assert.match(await name.inputValue(), /^Pre-update backup \d{4}-\d{2}-\d{2}$/);
    assert.equal(await page.getByLabel('All components (recommended)').isChecked(), true);
    await shot(page, '10-manual-backup-wizard');
    await page.getByRole('button', { name: 'Close' }).click();

    const backupName = await manualBackup(page, c.origin, {
      name: 'Pre-update backup e2e',
      onProgress: () => shot(page, '11-manual-backup-progress'),
    });
    await page.getByText('Backup completed.').waitFor();
    await shot(page, '12-manual-backup-completed');
    const row = page
      .getByRole('table', { name: 'Backups' })
      .getByRole('row', { name: new RegExp(backupName) });
    await row.getByText('Completed').waitFor();
    assert.match((await row.textContent()) ?? '', /Database|File uploads|Configuration/);
  });
});

test('a backup against a closed database port shows Failed with a readable error', async () => {
  await withFailureShot(page, 'failed-backup', async () => {
    await setProfilePort(page, c.origin, admin, new RegExp(db.name), await closedPort());
    await manualBackup(page, c.origin, { name: 'Backup expected to fail', components: ['Database'] });
    await page.getByText('The backup did not complete').waitFor();
    const failed = page.getByRole('region', { name: /^Progress of/ });
    const message = (await failed.getByRole('alert').first().textContent()) ?? '';
    assert.match(message, /database|connect|refused|127\.0\.0\.1/i, `a readable error, got: ${message}`);
    assert.doesNotMatch(message, /Error: |at .*\.js:\d+/, 'no stack traces');
    await shot(page, '13-backup-failed');

    await go(page, c.origin, 'dashboard');
    const problems = page.getByRole('region', { name: 'Recent errors and warnings' });
    await problems.getByText('Failed').first().waitFor();
    await shot(page, '14-dashboard-with-failure');
    await problems.getByRole('link', { name: 'Open the job log' }).first().click();
    await page.getByRole('heading', { name: /^Job log:/ }).waitFor();
    await page.getByRole('alert').filter({ hasText: 'Why it failed' }).waitFor();
    await shot(page, '15-job-log-failed');
  });
});
