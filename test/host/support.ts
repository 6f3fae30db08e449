/**
 * Test support for host tests: a Host over a real SQLite catalog in a temp dir and the REAL OS
 * keychain (tests run under scripts/with-keyring.sh) under a per-test service name, a FakeClock,
 * and helpers to enroll users and produce TOTP codes at the fake time.
 */

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSync } from 'otplib';
import { type CatalogDb, openCatalog } from '../../src/main/catalog/db.js';
import type { SessionRef } from '../../src/main/host/context.js';
import { createHost, type Host } from '../../src/main/host/host.js';
import type { Ports } from '../../src/main/host/ports.js';
import { FakeClock } from '../../src/main/platform/clock.js';
import { OsKeychain } from '../../src/main/platform/keychain.js';
import type { Logger } from '../../src/main/platform/logger.js';
import type { Role } from '../../src/shared/contract/roles.js';
import type { RpcResponse } from '../../src/shared/contract/rpc.js';

export const START = '2025-03-16T09:00:00.000Z';

export interface TestHost {
  host: Host;
  db: CatalogDb;
  dbFile: string;
  dir: string;
  clock: FakeClock;
  keychain: OsKeychain;
  service: string;
  secrets: Map<string, string>; // username -> TOTP secret
  close(): Promise<void>;
}

export function makeTestHost(opts: { ports?: Ports; log?: Logger } = {}): TestHost {
  const dir = mkdtempSync(join(tmpdir(), 'mvono-host-'));
  const dbFile = join(dir, 'catalog.db');
  const clock = new FakeClock(START);
  const db = openCatalog(dbFile, { clock });
  const service = `mvono-backup-test-${randomBytes(6).toString('hex')}`;
  const keychain = new OsKeychain(service);
  const host = createHost({
    db,
    keychain,
    clock,
    validateOutput: true,
    ...(opts.ports ? { ports: opts.ports } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
  const t: TestHost = {
    host,
    db,
    dbFile,
    dir,
    clock,
    keychain,
    service,
    secrets: new Map(),
    async close() {
      for (const e of ['catalog/totp-key']) await keychain.delete(e);
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return t;
}

export function code(secret: string, clock: FakeClock): string {
  return generateSync({ secret, epoch: Math.floor(clock.now().getTime() / 1000) });
}

/** Moves to the next 30-s TOTP window (codes are single-use per window). */
export function nextWindow(clock: FakeClock): void {
  clock.advance(30_000);
}

export function ok<T = unknown>(r: RpcResponse): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.data as T;
}

export function errCode(r: RpcResponse): string | undefined {
  return r.ok ? undefined : r.error.code;
}

export const ADMIN_PASSWORD = 'correct horse battery staple';

/** First-run: creates and enrolls the administrator; returns its signed-in session. */
export async function setupAdmin(
  t: TestHost,
  username = 'admin',
): Promise<{ ref: SessionRef; recoveryCodes: string[] }> {
  const ref: SessionRef = { token: undefined };
  const en = ok<{ enrollmentId: string; secret: string }>(
    await t.host.call(ref, 'auth.setup', { username, displayName: 'Admin', password: ADMIN_PASSWORD }),
  );
  t.secrets.set(username, en.secret);
  const done = ok<{ recoveryCodes: string[] }>(
    await t.host.call(ref, 'auth.completeEnrollment', {
      enrollmentId: en.enrollmentId,
      totp: code(en.secret, t.clock),
    }),
  );
  nextWindow(t.clock);
  return { ref, recoveryCodes: done.recoveryCodes };
}

/** Creates a user as `admin` (with step-up), enrolls it and signs it in. */
export async function addUser(
  t: TestHost,
  admin: SessionRef,
  username: string,
  role: Role,
  password = `${username}-password-123`,
): Promise<SessionRef> {
  await stepUp(t, admin, 'admin');
  ok(await t.host.call(admin, 'users.create', { username, displayName: username, role, password }));
  const ref: SessionRef = { token: undefined };
  const r = ok<{ status: string; enrollment: { enrollmentId: string; secret: string } }>(
    await t.host.call(ref, 'auth.login', { username, password }),
  );
  t.secrets.set(username, r.enrollment.secret);
  ok(
    await t.host.call(ref, 'auth.completeEnrollment', {
      enrollmentId: r.enrollment.enrollmentId,
      totp: code(r.enrollment.secret, t.clock),
    }),
  );
  nextWindow(t.clock);
  return ref;
}

export async function stepUp(t: TestHost, ref: SessionRef, username: string): Promise<void> {
  const secret = t.secrets.get(username);
  if (!secret) throw new Error(`no secret for ${username}`);
  ok(await t.host.call(ref, 'auth.stepUp', { totp: code(secret, t.clock) }));
  nextWindow(t.clock);
}

/** Signs a user in with password + current TOTP; returns the new session. */
export async function login(t: TestHost, username: string, password: string): Promise<SessionRef> {
  const ref: SessionRef = { token: undefined };
  ok(
    await t.host.call(ref, 'auth.login', {
      username,
      password,
      totp: code(t.secrets.get(username) ?? '', t.clock),
    }),
  );
  nextWindow(t.clock);
  return ref;
}
