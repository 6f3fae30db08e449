/** Console flows shared by the e2e tests: first-run setup, sign-in, users, step-up prompts. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { fill, totp } from './browser.js';

export const ADMIN = {
  username: 'admin',
  password: 'correct horse battery staple',
  displayName: 'System Administrator',
};

export interface Admin {
  username: string;
  password: string;
  secret: string;
}

/** Answers the step-up dialog if the console asks for a fresh code. */
export async function answerStepUp(page: Page, secret: string, waitMs = 1500): Promise<boolean> {
  const dialog = page.getByRole('dialog', { name: 'Confirm with your authenticator' });
  try {
    await dialog.waitFor({ state: 'visible', timeout: waitMs });
  } catch {
    return false;
  }
  await dialog.getByLabel('Authenticator code').fill(await totp(secret));
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await dialog.waitFor({ state: 'hidden' });
  return true;
}

/** Creates uploads and configuration directories with a few files under MVONO_HOME. */
export function sampleFiles(home: string): { uploads: string; config: string } {
  const uploads = join(home, 'app/uploads');
  const config = join(home, 'app/config');
  mkdirSync(join(uploads, 'invoices'), { recursive: true });
  mkdirSync(config, { recursive: true });
  writeFileSync(join(uploads, 'invoices/inv-001.pdf'), 'PDF sample '.repeat(500));
  writeFileSync(join(uploads, 'logo.png'), Buffer.alloc(4096, 7));
  writeFileSync(join(config, 'app.env'), 'APP_ENV=production\nLOG_LEVEL=info\n');
  return { uploads, config };
}

export interface SetupOptions {
  home: string;
  database?: string;
  uploads?: string;
  config?: string;
  onStep?: (name: string) => Promise<void>;
}

/** First-run setup through the UI; returns the administrator's TOTP secret (read from the screen). */
export async function firstRunSetup(page: Page, url: string, o: SetupOptions): Promise<Admin> {
  await page.goto(url);
  await page.getByRole('heading', { name: 'First-run setup' }).waitFor();
  await o.onStep?.('01-setup-admin');
  await fill(page, 'Username', ADMIN.username);
  await fill(page, 'Full name', ADMIN.displayName);
  await fill(page, 'Password', ADMIN.password);
  await fill(page, 'Repeat password', ADMIN.password);
  await page.getByRole('button', { name: 'Create administrator' }).click();

  const secret = (await page.getByTestId('totp-secret').textContent())?.trim() ?? '';
  await o.onStep?.('02-setup-authenticator');
  await fill(page, 'Code from the app', await totp(secret));
  await page.getByRole('button', { name: 'Confirm authenticator' }).click();
  await page.getByRole('heading', { name: 'Save your recovery codes' }).waitFor();
  await o.onStep?.('03-setup-recovery-codes');
  await page.getByLabel('I have saved these recovery codes').check();
  await page.getByRole('button', { name: 'Continue' }).click();

  await page.getByRole('heading', { name: 'Storage' }).waitFor();
  const use = page.getByRole('button', { name: /^Use / });
  // wait until the storage list has loaded: either an existing target to use, or the form
  await use
    .or(page.getByLabel('Directory', { exact: true }))
    .first()
    .waitFor();
  if (await use.isVisible()) {
    await o.onStep?.('04-setup-storage');
    await use.click();
  } else {
    await fill(page, 'Directory', join(o.home, 'repository'));
    await o.onStep?.('04-setup-storage');
    await page.getByRole('button', { name: 'Save storage target' }).click();
    await answerStepUp(page, secret);
  }

  await page.getByRole('heading', { name: 'Encryption key' }).waitFor();
  const create = page.getByRole('button', { name: 'Create encrypted repository' });
  await create.or(page.getByText('already initialised')).first().waitFor();
  if (await create.isVisible()) {
    await create.click();
    await answerStepUp(page, secret);
    // the recovery key is shown once; setup cannot go on until it is acknowledged
    await page.getByTestId('recovery-key').waitFor();
    await o.onStep?.('05-setup-key');
    await page.getByLabel('I have stored the recovery key safely').check();
    await page.getByRole('button', { name: 'Continue' }).click();
  } else {
    await o.onStep?.('05-setup-key');
    await page.getByRole('button', { name: 'Continue' }).click();
  }

  await page.getByRole('heading', { name: 'What to back up, and when' }).waitFor();
  if (o.database) await fill(page, 'Database name', o.database);
  if (o.uploads) await fill(page, 'File uploads directory', o.uploads);
  if (o.config) await fill(page, 'Configuration directory', o.config);
  await o.onStep?.('06-setup-plans');
  await page.getByRole('button', { name: 'Create plans and finish' }).click();
  await answerStepUp(page, secret);
  const open = page.getByRole('button', { name: 'Open the dashboard' });
  await open.waitFor({ timeout: 20_000 });
  await open.click();
  await page.getByRole('heading', { name: 'Automated Backups' }).waitFor();
  return { username: ADMIN.username, password: ADMIN.password, secret };
}

export async function signIn(
  page: Page,
  url: string,
  user: { username: string; password: string; secret: string },
): Promise<void> {
  await page.goto(url);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await fill(page, 'Username', user.username);
  await fill(page, 'Password', user.password);
  await fill(page, 'Authenticator code', await totp(user.secret));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Sections', exact: true }).waitFor();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
}

/** Admin creates a user in Settings › Users; the user then enrolls at first sign-in. Returns their secret. */
export async function addUserAndEnroll(
  page: Page,
  url: string,
  admin: Admin,
  user: { username: string; password: string; role: 'admin' | 'dba' | 'oncall' },
): Promise<Admin> {
  await page.goto(`${new URL(url).origin}/#/settings/users`);
  await page.getByRole('button', { name: 'Add user' }).click();
  const form = page.getByRole('form', { name: 'New user' });
  await form.getByLabel('Username').fill(user.username);
  await form.getByLabel('Full name').fill(user.username.toUpperCase());
  await form.getByLabel('Role').selectOption(user.role);
  await form.getByLabel('Initial password').fill(user.password);
  await form.getByRole('button', { name: 'Create user' }).click();
  await answerStepUp(page, admin.secret);
  await page.getByRole('row', { name: new RegExp(user.username) }).waitFor();
  await signOut(page);
  await fill(page, 'Username', user.username);
  await fill(page, 'Password', user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Set up your authenticator' }).waitFor();
  const secret = (await page.getByTestId('totp-secret').textContent())?.trim() ?? '';
  await fill(page, 'Code from the app', await totp(secret));
  await page.getByRole('button', { name: 'Confirm authenticator' }).click();
  await page.getByLabel('I have saved these recovery codes').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('navigation', { name: 'Sections', exact: true }).waitFor();
  return { username: user.username, password: user.password, secret };
}
