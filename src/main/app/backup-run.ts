/**
 * One backup of concrete components into a target's repository (and copies into others): database
 * components are dumped once into MVONO_HOME/tmp (passwords from the keychain), file and config
 * components are read in place, and the same inputs are stored in every repository.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { PlanComponent } from '../../shared/contract/plans.js';
import type { Snapshot } from '../../shared/contract/snapshots.js';
import { toDbProfile } from '../catalog/profiles.js';
import { type BackupComponentInput, backup } from '../engine/backup/backup.js';
import { databaseComponent } from '../engine/backup/databases.js';
import { copySnapshots, copyTag } from '../engine/copy.js';
import type { ProgressReporter } from '../engine/progress.js';
import { AppError } from '../platform/errors.js';
import { registerSecret } from '../platform/logger.js';
import type { Repository } from '../repo/repository.js';
import type { SnapshotManifest } from '../repo/snapshot.js';
import type { DbProfile } from '../sources/index.js';
import type { AppDeps } from './deps.js';

export interface RunCtx {
  signal: AbortSignal;
  progress: ProgressReporter;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

export interface BackupRequest {
  targetId: string;
  components: PlanComponent[];
  name?: string;
  plan?: string;
  kind: 'manual' | 'scheduled';
  tags: string[];
  copyTo?: string[];
}

export interface BackupOutcome {
  snapshot: SnapshotManifest;
  copies: { targetId: string; snapshotId: string }[];
  warnings: string[];
}

const cleanName = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 63) || 'component';

/** A component's databases: the profile's own, or each listed one on the same server. */
export async function databasesOf(
  d: AppDeps,
  c: Extract<PlanComponent, { profileId: string }>,
): Promise<{ name: string; profile: DbProfile; password?: string }[]> {
  const stored = d.stores.profiles.get(c.profileId);
  const base = toDbProfile(stored);
  const password = stored.passwordEntry ? await d.keychain.get(stored.passwordEntry) : undefined;
  registerSecret(password);
  const dbs = c.databases.length > 0 ? c.databases : [base.database];
  return dbs.map((db) => ({
    name: cleanName(dbs.length === 1 ? c.name : `${c.name}-${db}`),
    profile: { ...base, database: db },
    ...(password !== undefined ? { password } : {}),
  }));
}

async function prepareInputs(
  d: AppDeps,
  components: PlanComponent[],
  tmp: string,
  ctx: RunCtx,
): Promise<BackupComponentInput[]> {
  const out: BackupComponentInput[] = [];
  for (const c of components) {
    if (!('profileId' in c)) {
      out.push({ type: c.type, name: cleanName(c.name), paths: c.paths });
      continue;
    }
    for (const db of await databasesOf(d, c)) {
      if (db.profile.kind !== c.type) {
        throw new AppError(
          'CONFIG',
          `Component "${c.name}" is ${c.type} but its profile is ${db.profile.kind}.`,
          {
            hint: 'Choose a connection profile of the same kind in the plan.',
          },
        );
      }
      const dir = join(tmp, db.name);
      ctx.log(
        'info',
        `Dumping ${db.profile.kind} database "${db.profile.database}" on ${db.profile.host}:${db.profile.port}.`,
      );
      const opts = {
        ...(db.password !== undefined ? { password: db.password } : {}),
        signal: ctx.signal,
        progress: ctx.progress,
        clock: d.clock,
      };
      out.push(await databaseComponent(db.profile, db.name, dir, opts));
    }
  }
  return out;
}

export async function runBackup(d: AppDeps, req: BackupRequest, ctx: RunCtx): Promise<BackupOutcome> {
  if (req.components.length === 0) {
    throw new AppError('INVALID_INPUT', 'Nothing to back up: no components were selected.', {
      hint: 'Add a database profile, an uploads directory or a configuration directory to a plan first.',
    });
  }
  const tmp = await mkdtemp(join(d.paths.tmp, 'backup-'));
  try {
    const components = await prepareInputs(d, req.components, tmp, ctx);
    const common = {
      components,
      ...(req.name ? { name: req.name } : {}),
      ...(req.plan ? { plan: req.plan } : {}),
      signal: ctx.signal,
      progress: ctx.progress,
    };
    const res = await d.repos.with(
      req.targetId,
      (repo) => backup(repo, { ...common, kind: req.kind, tags: req.tags }),
      { signal: ctx.signal },
    );
    for (const w of res.warnings) ctx.log('warn', w);
    d.stores.snapshots.upsert(req.targetId, toSnapshot(req.targetId, res.snapshot));
    ctx.log(
      'info',
      `Snapshot ${res.snapshot.id.slice(0, 8)} written to ${d.repos.target(req.targetId).name}.`,
    );
    const copies: BackupOutcome['copies'] = [];
    for (const targetId of req.copyTo ?? []) {
      if (targetId === req.targetId) continue;
      const name = d.repos.target(targetId).name;
      ctx.log('info', `Copying to ${name}.`);
      // Replication: the snapshot's blobs that the secondary lacks, re-encrypted under its keys,
      // verified there (engine/copy.ts); the secondary stays readable without the primary.
      const copy = await d.repos.with(
        req.targetId,
        (src) =>
          d.repos.with(
            targetId,
            async (dst) => {
              const r = await copySnapshots(src, dst, {
                snapshots: [res.snapshot.id],
                signal: ctx.signal,
                progress: ctx.progress,
              });
              const id = r.copied[0]?.target;
              return {
                snapshot: id
                  ? await dst.loadSnapshot(id, ctx.signal)
                  : await latestCopyOf(dst, res.snapshot.id, ctx.signal),
              };
            },
            { signal: ctx.signal },
          ),
        { signal: ctx.signal },
      );
      d.stores.snapshots.upsert(targetId, toSnapshot(targetId, copy.snapshot));
      copies.push({ targetId, snapshotId: copy.snapshot.id });
      ctx.log('info', `Copy ${copy.snapshot.id.slice(0, 8)} written to ${name}.`);
    }
    return { snapshot: res.snapshot, copies, warnings: res.warnings };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** The copy already in `dst` of a source snapshot (a re-run after an interrupted copy). */
async function latestCopyOf(
  dst: Repository,
  sourceId: string,
  signal?: AbortSignal,
): Promise<SnapshotManifest> {
  const found = (await dst.listSnapshots(signal)).filter((s) => s.tags.includes(copyTag(sourceId))).at(-1);
  if (!found)
    throw new AppError(
      'INTEGRITY',
      `The copy of snapshot ${sourceId.slice(0, 8)} is missing in the secondary.`,
    );
  return found;
}

/** The contract's view of a manifest. */
export function toSnapshot(targetId: string, m: SnapshotManifest): Snapshot {
  return {
    id: m.id,
    targetId,
    time: m.time,
    hostname: m.hostname,
    username: m.username,
    ...(m.name !== undefined ? { name: m.name } : {}),
    ...(m.plan !== undefined ? { plan: m.plan } : {}),
    kind: m.kind,
    tags: m.tags,
    components: m.components.map((c) => ({ type: c.type, name: c.name })),
    summary: m.summary,
  };
}
