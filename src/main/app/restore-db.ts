/**
 * Database helpers for restores: which connection profile a snapshot's database component came
 * from, restoring one component into a database (new, or replace with the typed confirmation),
 * and dropping a scratch database after a restore test.
 */
import type { ConnectionProfile } from '../../shared/contract/settings.js';
import { toDbProfile } from '../catalog/profiles.js';
import type { ProgressReporter } from '../engine/progress.js';
import { type DatabaseRestoreResult, restoreDatabase } from '../engine/restore/database.js';
import { AppError, isAppError } from '../platform/errors.js';
import { registerSecret } from '../platform/logger.js';
import type { Repository } from '../repo/repository.js';
import type { Component, SnapshotManifest } from '../repo/snapshot.js';
import { withMaria } from '../sources/mariadb/connect.js';
import { quoteIdent, withPg } from '../sources/postgres/connect.js';
import type { DbProfile } from '../sources/profile.js';
import type { AppDeps } from './deps.js';
import { isConfigured, type StoredAppPlan } from './plan-model.js';

export type DbComponent = Extract<Component, { database: string }>;

export interface ResolvedProfile {
  profile: DbProfile;
  password?: string;
  stored: ConnectionProfile;
}

export async function resolveProfile(d: AppDeps, id: string): Promise<ResolvedProfile> {
  const stored = d.stores.profiles.get(id);
  const password = stored.passwordEntry ? await d.keychain.get(stored.passwordEntry) : undefined;
  registerSecret(password);
  return { profile: toDbProfile(stored), stored, ...(password !== undefined ? { password } : {}) };
}

export function dbComponents(snap: SnapshotManifest, names?: string[]): DbComponent[] {
  const all = snap.components.filter((c): c is DbComponent => c.type === 'postgres' || c.type === 'mariadb');
  if (!names) return all;
  return names.map((n) => {
    const c = all.find((x) => x.name === n.toLowerCase());
    if (!c) {
      throw new AppError('NOT_FOUND', `Snapshot ${snap.id.slice(0, 8)} has no database component "${n}".`, {
        hint: `It has: ${all.map((x) => x.name).join(', ') || 'no database components'}.`,
      });
    }
    return c;
  });
}

/** The production profile a component was dumped from: the plan that names it, else kind + database. */
export async function originProfile(d: AppDeps, c: DbComponent): Promise<ResolvedProfile> {
  const plans = (d.plans.list() as StoredAppPlan[]).filter(isConfigured);
  for (const p of plans) {
    for (const pc of p.spec.components) {
      if (!('profileId' in pc) || pc.type !== c.type) continue;
      const stored = d.stores.profiles.list().find((x) => x.id === pc.profileId);
      if (stored && (pc.databases.includes(c.database) || stored.database === c.database)) {
        const r = await resolveProfile(d, stored.id);
        return { ...r, profile: { ...r.profile, database: c.database } };
      }
    }
  }
  const match = d.stores.profiles
    .list()
    .find((x) => x.kind === c.type && x.database === c.database && x.environment === 'production');
  if (!match) {
    throw new AppError('NOT_FOUND', `No connection profile for the ${c.type} database "${c.database}".`, {
      hint: 'Add its production connection profile in Settings > Databases.',
    });
  }
  return resolveProfile(d, match.id);
}

export async function restoreInto(
  repo: Repository,
  snap: SnapshotManifest,
  c: DbComponent,
  target: ResolvedProfile,
  opts: {
    mode: 'new' | 'replace' | 'new-or-replace';
    tables?: string[];
    tempDir: string;
    signal: AbortSignal;
    progress: ProgressReporter;
  },
): Promise<DatabaseRestoreResult> {
  const run = (mode: 'new' | 'replace') =>
    restoreDatabase(repo, snap, {
      target: target.profile,
      component: c.name,
      mode,
      ...(mode === 'replace' ? { confirm: target.profile.database } : {}),
      ...(target.password !== undefined ? { password: target.password } : {}),
      ...(opts.tables?.length ? { tables: opts.tables } : {}),
      tempDir: opts.tempDir,
      signal: opts.signal,
      progress: opts.progress,
    });
  if (opts.mode !== 'new-or-replace') return run(opts.mode);
  try {
    return await run('new');
  } catch (e) {
    if (isAppError(e, 'CONFLICT') || isAppError(e, 'ALREADY_EXISTS')) return run('replace');
    throw e;
  }
}

export async function dropDatabase(t: ResolvedProfile, database: string): Promise<void> {
  const auth = t.password !== undefined ? { password: t.password } : {};
  if (t.profile.kind === 'postgres') {
    await withPg(
      t.profile,
      auth,
      (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`),
      'postgres',
    );
  } else {
    await withMaria(
      t.profile,
      auth,
      (c) => c.query(`DROP DATABASE IF EXISTS \`${database.replace(/`/g, '``')}\``),
      null,
    );
  }
}

export function validationSummary(results: DatabaseRestoreResult[]) {
  const tables = results.flatMap((r) => r.validation.tables);
  const matching = tables.filter((t) => t.status === 'match').length;
  const ok = results.every((r) => r.validation.ok);
  return {
    validation: results.length === 0 ? 'not-applicable' : ok ? 'all-match' : 'mismatch',
    tablesChecked: tables.length,
    tablesMatching: matching,
    mismatched: tables
      .filter((t) => t.status !== 'match')
      .map((t) => `${t.name} (${t.status}: ${t.actualRows ?? 'none'} of ${t.expectedRows} rows)`)
      .slice(0, 10)
      .join('; '),
  };
}
