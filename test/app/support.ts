/**
 * Test support for the composed app: a temp MVONO_HOME, a FakeClock, the REAL OS keychain under a
 * per-test service name (tests run under scripts/with-keyring.sh) and a small real PostgreSQL
 * database (127.0.0.1:5432, user postgres).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSync } from 'otplib';
import type { App } from '../../src/main/app/compose.js';
import type { SessionRef } from '../../src/main/host/context.js';
import type { FakeClock } from '../../src/main/platform/clock.js';
import type { Job } from '../../src/shared/contract/jobs.js';
import type { RpcResponse } from '../../src/shared/contract/rpc.js';
import { createPgDb, withPgDb } from '../support/mgmt-db.js';

export const tempHome = (prefix = 'mvono-app-') => mkdtempSync(join(tmpdir(), prefix));
export const testService = () => `mvono-backup-apptest-${randomBytes(6).toString('hex')}`;

export function ok<T = unknown>(r: RpcResponse): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.data as T;
}

export function totp(secret: string, clock: FakeClock): string {
  return generateSync({ secret, epoch: Math.floor(clock.now().getTime() / 1000) });
}

/** Calls with a fresh TOTP window each time (codes are single-use per window). */
export async function stepUp(app: App, ref: SessionRef, secret: string, clock: FakeClock): Promise<void> {
  clock.advance(30_000);
  ok(await app.host.call(ref, 'auth.stepUp', { totp: totp(secret, clock) }));
}

export async function waitJob(app: App, jobId: string): Promise<Job> {
  await app.jobs.wait(jobId);
  const j = app.jobs.require(jobId);
  const { lane: _l, ...job } = j;
  return job;
}

/** A database with two tables and a few hundred rows. */
export async function sampleDb(name: string): Promise<void> {
  await createPgDb(name);
  await withPgDb(name, async (c) => {
    await c.query('CREATE TABLE clients (id serial PRIMARY KEY, name text NOT NULL, city text)');
    await c.query(
      'CREATE TABLE invoices (id serial PRIMARY KEY, client_id int REFERENCES clients(id), amount numeric(12,2))',
    );
    await c.query(
      "INSERT INTO clients (name, city) SELECT 'client ' || i, 'Nairobi' FROM generate_series(1, 200) i",
    );
    await c.query(
      'INSERT INTO invoices (client_id, amount) SELECT 1 + (i % 200), i * 10.5 FROM generate_series(1, 500) i',
    );
  });
}

export function sampleFiles(home: string): { uploads: string; config: string } {
  const uploads = join(home, 'app/uploads');
  const config = join(home, 'app/config');
  mkdirSync(join(uploads, 'invoices'), { recursive: true });
  mkdirSync(config, { recursive: true });
  writeFileSync(join(uploads, 'invoices/inv-001.pdf'), 'PDF sample '.repeat(500));
  writeFileSync(join(config, 'app.env'), 'APP_ENV=production\n');
  return { uploads, config };
}
