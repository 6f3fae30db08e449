/** Larger UI steps: manual backup, connection profiles, opening screens. */
import type { Page } from 'playwright-core';
import { type Admin, answerStepUp } from './flows.js';

export function go(page: Page, origin: string, route: string): Promise<unknown> {
  return page.goto(`${origin}/#/${route}`);
}

/** Admin Settings › System › Backups › Create Manual Backup with the given components; waits for the end. */
export async function manualBackup(
  page: Page,
  origin: string,
  o: { name?: string; components?: string[]; onProgress?: () => Promise<void> } = {},
): Promise<string> {
  await go(page, origin, 'backups');
  await page.getByRole('button', { name: 'Create Manual Backup' }).click();
  const name = o.name ?? (await page.getByLabel('Descriptive name').inputValue());
  if (o.name) await page.getByLabel('Descriptive name').fill(o.name);
  for (const c of o.components ?? []) await page.getByLabel(c).check();
  await page.getByRole('button', { name: 'Start Backup' }).click();
  await page.getByRole('region', { name: /^Progress of/ }).waitFor();
  await o.onProgress?.();
  await page.getByText(/Backup completed\.|The backup did not complete/).waitFor({ timeout: 120_000 });
  return name;
}

export async function addProfile(
  page: Page,
  origin: string,
  admin: Admin,
  p: { name: string; database: string; environment: 'production' | 'staging' | 'test'; port?: number },
): Promise<void> {
  await go(page, origin, 'settings/profiles');
  await page.getByRole('button', { name: 'Add profile' }).click();
  const form = page.getByRole('form', { name: 'New profile' });
  await form.getByLabel('Name').fill(p.name);
  await form.getByLabel('Database', { exact: true }).fill(p.database);
  if (p.port) await form.getByLabel('Port').fill(String(p.port));
  await form.getByLabel('Environment').selectOption(p.environment);
  await form.getByRole('button', { name: 'Save profile' }).click();
  await answerStepUp(page, admin.secret);
  await page.getByRole('row', { name: new RegExp(p.name) }).waitFor();
}

/** Changes the port of a connection profile (e.g. to a closed one, to make a backup fail). */
export async function setProfilePort(
  page: Page,
  origin: string,
  admin: Admin,
  profileName: RegExp,
  port: number,
): Promise<void> {
  await go(page, origin, 'settings/profiles');
  await page.getByRole('row', { name: profileName }).getByRole('button', { name: 'Change' }).click();
  const form = page.getByRole('form', { name: /^Change / });
  await form.getByLabel('Port').fill(String(port));
  await form.getByRole('button', { name: 'Save profile' }).click();
  await answerStepUp(page, admin.secret);
  await page.getByRole('row', { name: profileName }).getByText(`:${port}`).waitFor();
}
