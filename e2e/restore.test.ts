/**
 * A DBA restores the database only, to staging, and gets an all-match validation report; a DBA is
 * blocked from restoring to production (the UI disables it and the server refuses it).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { shot, withFailureShot } from './support/browser.js';
import type { RunningConsole } from './support/console.js';
import type { ScratchDb } from './support/db.js';
import { type Admin, addUserAndEnroll, signOut } from './support/flows.js';
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
    name: 'Staging database',
    database: db.staging,
    environment: 'staging',
  });
  await manualBackup(page, c.origin, { name: 'Nightly e2e' });
  await addUserAndEnroll(page, c.url, admin, { username: 'dba1', password: 'dba-password-123', role: 'dba' });
});
after(async () => {
  await session?.close();
});

test('DBA: database-only restore to staging with an all-match validation report', async () => {
  await withFailureShot(page, 'restore-staging', async () => {
    await go(page, c.origin, 'restore');
    await page.getByRole('table', { name: 'Snapshots' }).getByRole('radio').first().check();
    await shot(page, '20-restore-pick-backup');
    await page.getByRole('button', { name: 'Next: restore type' }).click();
    await page.getByLabel('Database-only restore').check();
    await shot(page, '21-restore-type');
    await page.getByRole('button', { name: 'Next: target' }).click();
    assert.equal(
      await page.getByRole('radio', { name: /Production/ }).isDisabled(),
      true,
      'a DBA cannot pick production',
    );
    const opt = page.getByLabel('Staging database server').locator('option', { hasText: db.staging });
    await page.getByLabel('Staging database server').selectOption((await opt.getAttribute('value')) ?? '');
    await shot(page, '22-restore-target');
    await page.getByRole('button', { name: 'Next: pre-flight check' }).click();
    await page.getByRole('table', { name: 'Pre-flight summary' }).waitFor();
    await shot(page, '23-restore-preflight');
    await page.getByRole('button', { name: 'Start restore to staging' }).click();
    const report = page.getByRole('table', { name: 'Validation report' });
    await report.waitFor({ timeout: 120_000 });
    await page.getByText(/Validation passed: all \d+ tables match/).waitFor();
    const text = (await report.textContent()) ?? '';
    assert.match(text, /match/);
    await shot(page, '24-restore-validation');
    assert.equal(await db.count('customer', db.staging), 200);
    assert.equal(await db.count('invoice', db.staging), 1000);
  });
});

test('DBA: restoring to production is refused by the server too', async () => {
  const res = await page.evaluate(async () => {
    const store = (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } })
      .sessionStorage;
    const token = store.getItem('mvono.serveToken') ?? '';
    const r = await fetch('/rpc', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'X-Mvono-Token': token },
      body: JSON.stringify({
        method: 'restore.toProduction',
        input: { request: { targetId: 'x', snapshotId: 'abcdef', scope: { kind: 'complete' } } },
      }),
    });
    return (await r.json()) as { ok: boolean; error?: { code: string } };
  });
  assert.equal(res.ok, false);
  assert.equal(res.error?.code, 'FORBIDDEN');
  await signOut(page);
});
