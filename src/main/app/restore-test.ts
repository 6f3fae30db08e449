/**
 * Recovery tests (procedures: database weekly, partial monthly, full quarterly) in a separate
 * environment: databases go into a fresh scratch database (mvono_restoretest_<time>) that is
 * dropped afterwards, files into a scratch directory; the data is validated, the recovery time
 * (RTO) measured, and the result recorded with its evidence.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CallParsedInput } from '../../shared/contract/index.js';
import type { RestoreTestRecord } from '../../shared/contract/restoreTests.js';
import { newId } from '../catalog/ids.js';
import type { Actor, Started } from '../host/ports.js';
import { AppError, toAppError } from '../platform/errors.js';
import type { Repository } from '../repo/repository.js';
import type { SnapshotManifest } from '../repo/snapshot.js';
import type { RunCtx } from './backup-run.js';
import { type AppDeps, jobOpts } from './deps.js';
import { dbComponents, dropDatabase, originProfile, resolveProfile, restoreInto } from './restore-db.js';
import { fileComponents, restoreFilesTo } from './restore-files.js';

type Input = CallParsedInput<'restoreTests.run'>;
type Check = RestoreTestRecord['checks'][number];

async function pickSnapshot(repo: Repository, input: Input, signal: AbortSignal): Promise<SnapshotManifest> {
  if (input.snapshotId) return repo.findSnapshot(input.snapshotId, signal);
  const all = (await repo.listSnapshots(signal)).filter((s) => s.kind !== 'safety');
  const fits = all.filter((s) =>
    input.kind === 'database'
      ? dbComponents(s).length > 0
      : input.kind === 'partial'
        ? fileComponents(s).length > 0
        : true,
  );
  const snap = fits.at(-1);
  if (!snap) {
    throw new AppError(
      'NOT_FOUND',
      `No snapshot suitable for a ${input.kind} recovery test in this repository.`,
      {
        hint: 'Run a backup first.',
      },
    );
  }
  return snap;
}

const stamp = (d: Date) => d.toISOString().replace(/[-:T]/g, '').slice(0, 14);

async function testDatabases(
  d: AppDeps,
  repo: Repository,
  snap: SnapshotManifest,
  input: Input,
  ctx: RunCtx,
  checks: Check[],
) {
  for (const c of dbComponents(snap)) {
    const env = input.profileId ? await resolveProfile(d, input.profileId) : await originProfile(d, c);
    if (!input.profileId)
      ctx.log(
        'warn',
        `No test server chosen: using a scratch database on ${env.profile.host}:${env.profile.port}.`,
      );
    const scratch = `mvono_restoretest_${stamp(d.clock.now())}_${c.name.replace(/[^a-z0-9]/g, '').slice(0, 16)}`;
    const target = { ...env, profile: { ...env.profile, database: scratch, environment: 'test' as const } };
    ctx.log('info', `Restoring ${c.name} into scratch database ${scratch}.`);
    try {
      const r = await restoreInto(repo, snap, c, target, {
        mode: 'new',
        tempDir: d.paths.tmp,
        signal: ctx.signal,
        progress: ctx.progress,
      });
      const bad = r.validation.tables.filter((t) => t.status !== 'match');
      checks.push({
        name: `Database ${c.database}: restore and validation`,
        ok: r.validation.ok,
        detail:
          `${r.tablesRestored} tables restored; ${r.validation.tables.length - bad.length}/${r.validation.tables.length} match row counts and sampled row hashes; schema ${r.validation.schemaMatch === false ? 'differs' : 'matches'}${bad.length ? `; mismatched: ${bad.map((t) => t.name).join(', ')}` : ''}.`.slice(
            0,
            2000,
          ),
      });
    } catch (e) {
      checks.push({
        name: `Database ${c.database}: restore`,
        ok: false,
        detail: toAppError(e).message.slice(0, 2000),
      });
    } finally {
      await dropDatabase(target, scratch).catch((e) =>
        ctx.log('warn', `Could not drop ${scratch}: ${toAppError(e).message}`),
      );
    }
  }
}

async function testFiles(
  d: AppDeps,
  repo: Repository,
  snap: SnapshotManifest,
  input: Input,
  ctx: RunCtx,
  checks: Check[],
) {
  const comps = fileComponents(snap);
  if (comps.length === 0) return;
  const dir = await mkdtemp(join(input.directory ?? d.paths.tmp, 'restoretest-'));
  try {
    const include =
      input.kind === 'partial' ? comps.slice(0, 1).map((c) => c.name) : comps.map((c) => c.name);
    const res = await restoreFilesTo(repo, snap, include, dir, ctx);
    checks.push({
      name: `Files (${include.join(', ')}): restore with verified checksums`,
      ok: res.errors.length === 0 && res.files > 0,
      detail: `${res.files} files, ${res.bytes} bytes restored and verified.`,
    });
  } catch (e) {
    checks.push({ name: 'Files: restore', ok: false, detail: toAppError(e).message.slice(0, 2000) });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function runRestoreTest(d: AppDeps, input: Input, actor: Actor): Promise<Started> {
  const t = d.stores.targets.get(input.targetId);
  const job = d.jobs.start(
    'restore-test',
    `${input.kind} recovery test from ${t.name}`,
    (ctx) =>
      d.repos.with(
        input.targetId,
        async (repo) => {
          const started = d.clock.now();
          const t0 = performance.now();
          const snap = await pickSnapshot(repo, input, ctx.signal);
          ctx.log('info', `Testing snapshot ${snap.id.slice(0, 8)} of ${snap.time}.`);
          const checks: Check[] = [];
          if (input.kind !== 'partial') await testDatabases(d, repo, snap, input, ctx, checks);
          if (input.kind !== 'database') await testFiles(d, repo, snap, input, ctx, checks);
          if (checks.length === 0)
            checks.push({
              name: 'Something to test',
              ok: false,
              detail: 'The snapshot has no matching components.',
            });
          const rto = Math.round((performance.now() - t0) / 100) / 10;
          const ok = checks.every((c) => c.ok);
          const rec = d.stores.restoreTests.insert({
            id: newId(),
            kind: input.kind,
            targetId: input.targetId,
            snapshotId: snap.id,
            jobId: ctx.jobId,
            startedAt: started.toISOString(),
            finishedAt: d.clock.now().toISOString(),
            outcome: ok ? 'passed' : 'failed',
            checks,
            notes: `Automated ${input.kind} recovery test in a separate environment. Recovery time (RTO): ${rto} s.`,
            issues: checks
              .filter((c) => !c.ok)
              .map((c) => `${c.name}: ${c.detail ?? ''}`)
              .join('\n'),
            recordedBy: actor.username,
          });
          d.bus.emit('dashboard.invalidate', { topics: ['restoreTests'] });
          if (!ok) {
            throw new AppError(
              'INTEGRITY',
              `The ${input.kind} recovery test failed: ${checks.filter((c) => !c.ok).length} check(s) failed.`,
              {
                hint: 'See the recorded test and the job log; address the problem and test again.',
              },
            );
          }
          return {
            outcome: rec.outcome,
            recordId: rec.id,
            rtoSeconds: rto,
            snapshotId: snap.id,
            checks: checks.length,
          };
        },
        { signal: ctx.signal },
      ),
    jobOpts(actor.username, input.targetId),
  );
  return { jobId: job.id };
}
