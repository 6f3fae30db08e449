/**
 * The full emergency flow: on-call documents the loss, the console proposes the backup, an
 * administrator approves on the same console (username + password + TOTP), the restore runs, the
 * database is back, the incident report is saved; the audit log shows every step.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { shot, totp, withFailureShot } from './support/browser.js';
import type { RunningConsole } from './support/console.js';
import type { ScratchDb } from './support/db.js';
import { type Admin, addUserAndEnroll, answerStepUp, signIn, signOut } from './support/flows.js';
import { type ConsoleSession, setUpConsole } from './support/session.js';
import { go, manualBackup } from './support/steps.js';

let c: RunningConsole;
let db: ScratchDb;
let page: Page;
let admin: Admin;
let oncall: Admin;

let session: ConsoleSession | undefined;

before(async () => {
  session = await setUpConsole();
  ({ db, c, page, admin } = session);
  await manualBackup(page, c.origin, { name: 'Before the incident' });
  oncall = await addUserAndEnroll(page, c.url, admin, {
    username: 'oncall1',
    password: 'oncall-password-123',
    role: 'oncall',
  });
});
after(async () => {
  await session?.close();
});

test('emergency recovery with an administrator approval restores the database and saves a report', async () => {
  await withFailureShot(page, 'emergency', async () => {
    await db.drop('invoice'); // the incident: a table is gone
    await go(page, c.origin, 'emergency');
    await page
      .getByRole('complementary', { name: 'Contacts' })
      .getByText('admin@mvonoconsultants.com')
      .waitFor();
    await page.getByLabel('Short title').fill('Invoices table lost');
    await page.getByLabel('Severity', { exact: true }).selectOption('critical');
    await page.getByLabel('Kind of data loss').selectOption('complete');
    await page.getByLabel('Scope: what is affected').fill('Production database: invoice table dropped');
    await shot(page, '30-emergency-1-severity');
    await page.getByRole('button', { name: 'Next: select the backup' }).click();
    await page
      .getByLabel('Proposed backup')
      .getByText(/most recent backup/)
      .waitFor();
    await shot(page, '31-emergency-2-backup');
    await page.getByRole('button', { name: 'Next: authorization' }).click();
    await page.getByRole('button', { name: 'Request administrator approval' }).click();
    const form = page.getByRole('form', { name: 'Administrator approval' });
    await form.getByLabel('Administrator username').fill(admin.username);
    await form.getByLabel('Administrator password').fill(admin.password);
    await form.getByLabel('Administrator authenticator code').fill(await totp(admin.secret));
    await shot(page, '32-emergency-3-authorization');
    await form.getByRole('button', { name: 'Approve restore' }).click();
    await page.getByText('approved', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Next: document the incident' }).click();
    await page.getByLabel('What happened').fill('A migration script dropped the invoice table.');
    await page.getByLabel('Impact (who and what is affected)').fill('Billing is down for all customers.');
    await shot(page, '33-emergency-4-documentation');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await shot(page, '34-emergency-5-options');
    await page.getByRole('button', { name: 'Next: run the restore' }).click();
    await page.getByRole('button', { name: 'Start emergency restore…' }).click();
    const confirm = page.getByRole('dialog', { name: 'Start the emergency restore?' });
    const label = (await confirm.getByText(/^Type .* to confirm$/).textContent()) ?? '';
    await confirm.getByLabel(label).fill(label.replace(/^Type (.*) to confirm$/, '$1'));
    await confirm.getByRole('button', { name: 'Restore production now' }).click();
    await answerStepUp(page, oncall.secret);
    await page.getByRole('region', { name: /^Progress of/ }).waitFor();
    await shot(page, '35-emergency-6-run');
    await page.getByRole('button', { name: 'Next: validate' }).click({ timeout: 120_000 });
    for (const box of await page
      .getByRole('group', { name: 'Validation checklist' })
      .getByRole('checkbox')
      .all())
      await box.check();
    await shot(page, '36-emergency-7-validation');
    await page.getByRole('button', { name: 'Record result and close the incident' }).click();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Save incident report (HTML)' }).click();
    const file = await (await download).path();
    const html = readFileSync(file, 'utf8');
    assert.match(html, /Incident report: Invoices table lost/);
    assert.match(html, /Timeline/);
    assert.match(html, /approved by admin/i);
    assert.equal(await db.count('invoice'), 1000, 'the dropped table is back');
    await shot(page, '37-emergency-report-saved');
  });
});

test('the audit log shows every step of the recovery and the chain verifies', async () => {
  await withFailureShot(page, 'audit', async () => {
    await signOut(page);
    await signIn(page, c.url, admin);
    await go(page, c.origin, 'audit');
    await page.getByText(/Chain verified: all \d+ entries are intact/).waitFor();
    const table = page.getByRole('table', { name: 'Audit entries' });
    for (const action of [
      'auth.setup',
      'backups.start',
      'users.create',
      'incidents.open',
      'emergency.requestRestore',
      'approvals.decide',
      'incidents.addNote',
      'emergency.executeRestore',
      'incidents.close',
    ]) {
      await table.getByText(action, { exact: true }).first().waitFor();
    }
    assert.doesNotMatch(
      (await table.textContent()) ?? '',
      new RegExp(admin.password),
      'no password in the log',
    );
    await shot(page, '38-audit-log');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    assert.match(readFileSync(await (await download).path(), 'utf8'), /emergency\.executeRestore/);
  });
});
