/**
 * The OS keychain (Secret Service over D-Bus on Linux, Keychain on macOS, Credential Manager on
 * Windows) through @napi-rs/keyring. Secrets are stored under service "mvono-backup" and an
 * account name the caller chooses (e.g. "repo/<id>/kek", "storage/<name>/secret").
 * Fails with KEYCHAIN_UNAVAILABLE when no keychain service runs, never silently.
 */
import { Entry, findCredentials } from '@napi-rs/keyring';
import { AppError } from './errors.js';

export const KEYCHAIN_SERVICE = 'mvono-backup';

export interface Keychain {
  get(account: string): Promise<string | undefined>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<void>;
}

function unavailable(cause: unknown): AppError {
  return new AppError('KEYCHAIN_UNAVAILABLE', 'The OS keychain is not available.', {
    hint:
      'Start the desktop keyring (GNOME Keyring/KWallet on Linux) or, on a headless server, run under ' +
      '`dbus-run-session` with gnome-keyring-daemon unlocked; or open the repository with --password-file ' +
      'or the recovery key instead.',
    cause,
  });
}

function isNoEntry(e: unknown): boolean {
  return e instanceof Error && /no (matching )?entry|not found/i.test(e.message);
}

export class OsKeychain implements Keychain {
  constructor(private readonly service = KEYCHAIN_SERVICE) {}
  async get(account: string): Promise<string | undefined> {
    try {
      const v = new Entry(this.service, account).getPassword();
      if (v !== null && v !== undefined) return v;
    } catch (e) {
      if (!isNoEntry(e)) throw unavailable(e);
    }
    // getPassword() answers null both for "no entry" and, on Linux, for an unreachable keychain
    // service. A search tells the two apart: it throws only when the service cannot be reached.
    try {
      findCredentials(this.service);
      return undefined;
    } catch (e) {
      if (isNoEntry(e)) return undefined;
      throw unavailable(e);
    }
  }
  async set(account: string, secret: string): Promise<void> {
    try {
      new Entry(this.service, account).setPassword(secret);
    } catch (e) {
      throw unavailable(e);
    }
  }
  async delete(account: string): Promise<void> {
    try {
      new Entry(this.service, account).deletePassword();
    } catch (e) {
      if (isNoEntry(e)) return;
      throw unavailable(e);
    }
  }
}
