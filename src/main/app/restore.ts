/**
 * RestoreService: preview, restore to staging (a directory and/or a staging database server) and
 * to production (original places; restoreDatabase takes the safety snapshot and enforces the typed
 * confirmation; the host has already checked role, step-up and approvals). Database restores end
 * with the validation report (row counts, sampled row hashes, schema) in the job result.
 */
import type { RestorePreview, RestoreRequest } from '../../shared/contract/restore.js';
import type { DatabaseRestoreResult } from '../engine/restore/database.js';
import type { RestoreService } from '../host/ports.js';
import { AppError } from '../platform/errors.js';
import type { Repository } from '../repo/repository.js';
import type { SnapshotManifest } from '../repo/snapshot.js';
import { type RunCtx, toSnapshot } from './backup-run.js';
import { type AppDeps, jobOpts } from './deps.js';
import {
  type DbComponent,
  dbComponents,
  originProfile,
  resolveProfile,
  restoreInto,
  validationSummary,
} from './restore-db.js';
import { fileComponents, fileIncludes, restoreFilesInPlace, restoreFilesTo } from './restore-files.js';
import { runRestoreTest } from './restore-test.js';

type Staging = { directory?: string | undefined; profileId?: string | undefined };
type Result = Record<string, string | number | boolean>;

function dbPart(snap: SnapshotManifest, req: RestoreRequest): DbComponent[] {
  if (req.scope.kind === 'database') return dbComponents(snap, req.scope.components);
  return req.scope.kind === 'complete' ? dbComponents(snap) : [];
}

function noPitr(req: RestoreRequest): void {
  if (req.pointInTime) {
    throw new AppError('CONFIG', 'Point-in-time recovery needs archived WAL, which is not configured here.', {
      hint: 'Restore the snapshot taken before the problem instead (choose it in the snapshot list).',
    });
  }
}

async function finish(results: DatabaseRestoreResult[], out: Result, ctx: RunCtx): Promise<Result> {
  const v = validationSummary(results);
  for (const r of results) {
    ctx.log(
      r.validation.ok ? 'info' : 'error',
      `Validation of ${r.database}: ${r.validation.ok ? 'all tables match' : 'MISMATCH'}.`,
    );
    for (const w of r.warnings) ctx.log('warn', w);
  }
  if (v.validation === 'mismatch') {
    throw new AppError('INTEGRITY', `The restored data does not match the backup: ${v.mismatched}.`, {
      hint: 'Do not use the restored database; try another snapshot and report this with the job log.',
    });
  }
  const safety = results.map((r) => r.safetySnapshot).filter(Boolean);
  return {
    ...out,
    validation: v.validation,
    tablesChecked: v.tablesChecked,
    tablesMatching: v.tablesMatching,
    databases: results.map((r) => r.database).join(', '),
    tablesRestored: results.reduce((n, r) => n + r.tablesRestored, 0),
    ...(safety.length ? { safetySnapshots: safety.join(', ') } : {}),
  };
}

async function toStagingWork(
  d: AppDeps,
  repo: Repository,
  req: RestoreRequest,
  staging: Staging,
  ctx: RunCtx,
) {
  const snap = await repo.findSnapshot(req.snapshotId, ctx.signal);
  const dbs = dbPart(snap, req);
  const out: Result = { snapshotId: snap.id };
  const results: DatabaseRestoreResult[] = [];
  if (dbs.length > 0) {
    if (!staging.profileId) {
      throw new AppError(
        'INVALID_INPUT',
        'staging.profileId: a database restore needs a staging connection profile.',
      );
    }
    const base = await resolveProfile(d, staging.profileId);
    for (const c of dbs) {
      const database =
        dbs.length === 1
          ? base.profile.database
          : `${base.profile.database}_${c.name.replace(/[^a-z0-9_]/g, '_')}`;
      const target = { ...base, profile: { ...base.profile, database } };
      ctx.log('info', `Restoring ${c.name} into ${target.profile.host}:${target.profile.port}/${database}.`);
      const tables = req.scope.kind === 'database' ? req.scope.tables : [];
      results.push(
        await restoreInto(repo, snap, c, target, {
          mode: 'new-or-replace',
          tables,
          tempDir: d.paths.tmp,
          ...ctx,
        }),
      );
    }
  }
  const include = fileIncludes(snap, req.scope);
  if (include) {
    if (!staging.directory) {
      throw new AppError('INVALID_INPUT', 'staging.directory: a file restore needs a staging directory.');
    }
    const res = await restoreFilesTo(repo, snap, include, staging.directory, ctx);
    Object.assign(out, { filesRestored: res.files, bytesRestored: res.bytes, directory: staging.directory });
  }
  return finish(results, out, ctx);
}

async function toProductionWork(d: AppDeps, repo: Repository, req: RestoreRequest, ctx: RunCtx) {
  const snap = await repo.findSnapshot(req.snapshotId, ctx.signal);
  const out: Result = { snapshotId: snap.id };
  const results: DatabaseRestoreResult[] = [];
  for (const c of dbPart(snap, req)) {
    const target = await originProfile(d, c);
    ctx.log(
      'info',
      `Replacing ${c.database} on ${target.profile.host}:${target.profile.port} (safety snapshot first).`,
    );
    const tables = req.scope.kind === 'database' ? req.scope.tables : [];
    results.push(
      await restoreInto(repo, snap, c, target, { mode: 'replace', tables, tempDir: d.paths.tmp, ...ctx }),
    );
  }
  const include = fileIncludes(snap, req.scope);
  if (include) {
    const res = await restoreFilesInPlace(repo, snap, include, d.paths.tmp, ctx);
    Object.assign(out, {
      filesRestored: res.files,
      bytesRestored: res.bytes,
      ...(res.safetySnapshot ? { fileSafetySnapshot: res.safetySnapshot } : {}),
    });
  }
  return finish(results, out, ctx);
}

async function preview(
  d: AppDeps,
  req: RestoreRequest,
  dest: 'production' | Staging,
): Promise<RestorePreview> {
  return d.repos.with(req.targetId, async (repo) => {
    const snap = await repo.findSnapshot(req.snapshotId);
    const items: RestorePreview['items'] = [];
    const warnings: string[] = [];
    for (const c of dbPart(snap, req)) {
      let destination: string;
      let environment: RestorePreview['items'][number]['environment'] = 'production';
      if (dest === 'production') {
        const p = await originProfile(d, c).catch(() => undefined);
        destination = p
          ? `${p.profile.host}:${p.profile.port}/${c.database}`
          : `${c.type} database "${c.database}" (no profile)`;
        if (!p) warnings.push(`No production profile for ${c.database}.`);
      } else if (dest.profileId) {
        const p = d.stores.profiles.get(dest.profileId);
        destination = `${p.host}:${p.port}/${p.database}`;
        environment = p.environment;
      } else {
        destination = '(no staging database chosen)';
        warnings.push('Choose a staging connection profile for the database part.');
      }
      items.push({ component: c.name, type: c.type, bytes: c.facts.sizeBytes, destination, environment });
    }
    const include = fileIncludes(snap, req.scope);
    if (include) {
      for (const c of fileComponents(snap)) {
        const destination =
          dest === 'production'
            ? c.paths.join(', ')
            : `${dest.directory ?? '(no directory chosen)'}/${c.name}`;
        items.push({
          component: c.name,
          type: c.type,
          destination,
          environment: dest === 'production' ? 'production' : 'staging',
        });
      }
    }
    if (dest === 'production')
      warnings.push('A safety snapshot of the current data is taken before anything is replaced.');
    if (req.pointInTime)
      warnings.push('Point-in-time recovery (archived WAL) is not configured; it will be refused.');
    return { snapshot: toSnapshot(req.targetId, snap), items, warnings };
  });
}

export function restoreService(d: AppDeps): RestoreService {
  const start = (
    title: string,
    targetId: string,
    user: string,
    work: (repo: Repository, ctx: RunCtx) => Promise<Result>,
  ) =>
    d.jobs.start(
      'restore',
      title,
      (ctx) => d.repos.with(targetId, (repo) => work(repo, ctx), { signal: ctx.signal }),
      jobOpts(user, targetId),
    );
  return {
    preview: (i) => preview(d, i.request, i.destination),
    async toStaging(i, actor) {
      noPitr(i.request);
      const job = start(
        `Restore ${i.request.snapshotId.slice(0, 8)} to staging`,
        i.request.targetId,
        actor.username,
        (repo, ctx) => toStagingWork(d, repo, i.request, i.staging, ctx),
      );
      return { jobId: job.id };
    },
    async toProduction(req, c, actor) {
      noPitr(req);
      const why = c.incidentId
        ? ` (incident ${c.incidentId}${c.approval ? `, approved by ${c.approval.approvedBy}` : ''})`
        : '';
      const job = start(
        `Restore ${req.snapshotId.slice(0, 8)} to production${why}`,
        req.targetId,
        actor.username,
        (repo, ctx) => toProductionWork(d, repo, req, ctx),
      );
      return { jobId: job.id };
    },
    runTest: (i, actor) => runRestoreTest(d, i, actor),
  };
}
