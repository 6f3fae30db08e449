/**
 * The composed console end to end through host.call, against the real PostgreSQL server, the real
 * OS keychain and a local repository in a temp MVONO_HOME: first-run setup, a manual backup of all
 * components, a database-only restore to staging with validation, a recovery test, and a plan run
 * by the scheduler on a FakeClock.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type App, createApp } from '../../src/main/app/compose.js';
import type { SessionRef } from '../../src/main/host/context.js';
import { FakeClock } from '../../src/main/platform/clock.js';
import { OsKeychain } from '../../src/main/platform/keychain.js';
import type { Plan } from '../../src/shared/contract/plans.js';
import type { ConnectionProfile, KeyStatus, StorageTarget } from '../../src/shared/contract/settings.js';
import type { Snapshot } from '../../src/shared/contract/snapshots.js';
import { dropPg, uniqueDbName, withPgDb } from '../support/mgmt-db.js';
import { ok, sampleDb, sampleFiles, stepUp, tempHome, testService, totp, waitJob } from './support.js';

const clock = new FakeClock('2026-03-16T09:00:00.000Z');
const keychain = new OsKeychain(testService());
const home = tempHome();
const db = uniqueDbName('mvono_app');
const staging = `${db}_staging`;
let app: App;
const admin: SessionRef = { token: undefined };
let secret = '';
let target: StorageTarget;
let snapshotId = '';

before(async () => {
  await sampleDb(db);
  app = createApp({ home, clock, keychain, env: { ...process.env } });
});

after(async () => {
  await app?.close();
  await dropPg(db, staging);
  await keychain.delete('catalog/totp-key');
  rmSync(home, { recursive: true, force: true });
});

test('first-run setup: administrator, embedded local repository with keychain + recovery slots, plans', async () => {
  const en = ok<{ enrollmentId: string; secret: string }>(
    await app.host.call(admin, 'auth.setup', {
      username: 'admin',
      displayName: 'Admin',
      password: 'correct horse battery staple',
    }),
  );
  secret = en.secret;
  ok(
    await app.host.call(admin, 'auth.completeEnrollment', {
      enrollmentId: en.enrollmentId,
      totp: totp(secret, clock),
    }),
  );

  const targets = ok<StorageTarget[]>(await app.host.call(admin, 'storage.list', {}));
  assert.equal(targets.length, 1);
  target = targets[0] as StorageTarget;
  assert.equal(target.name, 'Local repository');
  assert.deepEqual(target.config, { kind: 'local', path: join(home, 'repository') });
  assert.equal(ok<KeyStatus[]>(await app.host.call(admin, 'keys.status', {}))[0]?.initialized, false);

  await stepUp(app, admin, secret, clock);
  const init = ok<{ repositoryId: string; recoveryKey: string }>(
    await app.host.call(admin, 'keys.initRepository', { targetId: target.id }),
  );
  assert.match(init.recoveryKey, /^[0-9A-Z]{4}(-[0-9A-Z]{1,4})+$/);
  const keys = ok<KeyStatus[]>(await app.host.call(admin, 'keys.status', {}));
  assert.equal(keys[0]?.initialized, true);
  assert.deepEqual(keys[0]?.slots.map((s) => s.type).sort(), ['keychain', 'recovery']);

  const files = sampleFiles(home);
  const profile = ok<ConnectionProfile>(
    await app.host.call(admin, 'profiles.create', {
      profile: {
        name: 'Production',
        kind: 'postgres',
        host: '127.0.0.1',
        port: 5432,
        database: db,
        user: 'postgres',
        tls: 'disable',
        environment: 'production',
      },
    }),
  );
  const plan = ok<Plan>(
    await app.host.call(admin, 'plans.create', {
      name: 'Database Full Backup',
      kind: 'database-full',
      schedule: { cron: '0 0 * * *', timeZone: 'Africa/Nairobi' },
      components: [
        { type: 'postgres', name: 'database', profileId: profile.id, databases: [] },
        { type: 'files', name: 'uploads', paths: [files.uploads] },
        { type: 'config', name: 'config', paths: [files.config] },
      ],
      targetId: target.id,
      copyTo: [],
      retention: { keepDays: 30, keepForever: false },
      enabled: true,
    }),
  );
  assert.equal(plan.id, 'database-full', 'the seeded default plan is adopted');
  assert.equal(plan.status.health, 'never-run');
  assert.equal(plan.status.nextRunAt, '2026-03-16T21:00:00.000Z', 'midnight EAT');
  const listed = ok<Plan[]>(await app.host.call(admin, 'plans.list', {}));
  assert.deepEqual(
    listed.map((p) => p.id),
    ['database-full'],
    'unconfigured seeded plans are not listed',
  );
});

test('a manual backup of all components succeeds and is listed', async () => {
  const { jobId } = ok<{ jobId: string }>(
    await app.host.call(admin, 'backups.start', {
      name: 'Pre-update backup 2026-03-16',
      select: ['all'],
      targetId: target.id,
    }),
  );
  const job = await waitJob(app, jobId);
  assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
  assert.equal(job.startedBy, 'admin');
  snapshotId = String(job.result?.snapshotId);
  const snaps = ok<Snapshot[]>(await app.host.call(admin, 'snapshots.list', { targetId: target.id }));
  const snap = snaps.find((s) => s.id === snapshotId);
  assert.ok(snap, 'the new snapshot is listed');
  assert.equal(snap.kind, 'manual');
  assert.deepEqual(snap.components.map((c) => c.name).sort(), ['config', 'database', 'uploads']);
  const entries = ok<{ name: string }[]>(
    await app.host.call(admin, 'snapshots.browse', { targetId: target.id, id: snapshotId, path: '' }),
  );
  assert.deepEqual(entries.map((e) => e.name).sort(), ['config', 'database', 'uploads']);
  const dash = ok<{ plans: Plan[]; keys: KeyStatus[]; posture: { checks: { id: string }[] }[] }>(
    await app.host.call(admin, 'dashboard.summary', {}),
  );
  assert.equal(dash.plans.length, 1);
  assert.equal(dash.keys[0]?.initialized, true);
  assert.ok(dash.posture[0]?.checks.some((c) => c.id === 'encryption'));
});

test('audited calls are replicated into the repository audit/ objects', async () => {
  await app.host.call(admin, 'plans.setEnabled', { id: 'database-full', enabled: true });
  for (let i = 0; i < 50 && !existsSync(join(home, 'repository/audit')); i++)
    await new Promise((r) => setTimeout(r, 100));
  const objs = readdirSync(join(home, 'repository/audit'));
  assert.ok(objs.length > 0, 'audit objects written');
});

test('a database-only restore to staging validates every table', async () => {
  await stepUp(app, admin, secret, clock);
  const st = ok<ConnectionProfile>(
    await app.host.call(admin, 'profiles.create', {
      profile: {
        name: 'Staging',
        kind: 'postgres',
        host: '127.0.0.1',
        port: 5432,
        database: staging,
        user: 'postgres',
        tls: 'disable',
        environment: 'staging',
      },
    }),
  );
  const { jobId } = ok<{ jobId: string }>(
    await app.host.call(admin, 'restore.toStaging', {
      request: { targetId: target.id, snapshotId, scope: { kind: 'database', components: ['database'] } },
      staging: { profileId: st.id },
    }),
  );
  const job = await waitJob(app, jobId);
  assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
  assert.equal(job.result?.validation, 'all-match');
  assert.equal(job.result?.tablesChecked, 2);
  const n = await withPgDb(
    staging,
    async (c) => (await c.query('SELECT count(*)::int AS n FROM invoices')).rows[0].n,
  );
  assert.equal(n, 500);
});

test('a database recovery test restores into a scratch database, records the result and drops it', async () => {
  const { jobId } = ok<{ jobId: string }>(
    await app.host.call(admin, 'restoreTests.run', { kind: 'database', targetId: target.id }),
  );
  const job = await waitJob(app, jobId);
  assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
  const recs = ok<{ outcome: string; notes: string; jobId?: string }[]>(
    await app.host.call(admin, 'restoreTests.list', {}),
  );
  assert.equal(recs[0]?.outcome, 'passed');
  assert.equal(recs[0]?.jobId, jobId);
  assert.match(recs[0]?.notes ?? '', /Recovery time \(RTO\): [\d.]+ s/);
  const left = await withPgDb(
    db,
    async (c) =>
      (await c.query("SELECT count(*)::int AS n FROM pg_database WHERE datname LIKE 'mvono_restoretest_%'"))
        .rows[0].n,
  );
  assert.equal(left, 0, 'scratch database dropped');
});

test('the scheduler runs the plan at midnight EAT into the repository (FakeClock)', async () => {
  clock.set('2026-03-16T21:00:30.000Z');
  app.scheduler.tick();
  await app.scheduler.idle();
  const jobs = app.jobs.list({ planId: 'database-full' });
  const run = jobs.find((j) => j.startedBy === 'scheduler');
  assert.ok(run, 'a scheduled job ran');
  assert.equal(run.state, 'succeeded', JSON.stringify(run.error));
  const plan = await app.host.services.ports.plans?.get('database-full');
  assert.equal(plan?.status.lastRun?.state, 'succeeded');
  assert.equal(plan?.status.health, 'ok');
  const snaps = await app.host.services.ports.snapshots?.list({
    targetId: target.id,
    kind: 'scheduled',
    limit: 10,
  });
  assert.equal(snaps?.length, 1);
  assert.equal(snaps?.[0]?.plan, 'database-full');
  assert.equal(snaps?.[0]?.id, plan?.status.lastRun?.snapshotId);
});
