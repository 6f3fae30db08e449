/**
 * Database components: each database is dumped (sources/) into a private temporary directory,
 * the directory is stored as the component's subtree (one file per table: dedups across days),
 * its facts go into the manifest, and the dump is deleted when the snapshot is written (or not).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Repository } from '../../repo/repository.js';
import { dumpMariadb, dumpPostgres } from '../../sources/index.js';
import type { DbProfile } from '../../sources/profile.js';
import { type BackupComponentInput, type BackupOptions, type BackupResult, backup } from './backup.js';

export interface DatabaseInput {
  profile: DbProfile;
  password?: string;
}

export function componentNameFor(p: DbProfile): string {
  const clean = p.database
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '');
  return `${p.kind}-${clean || 'db'}`.slice(0, 63);
}

export async function backupWithDatabases(
  repo: Repository,
  opts: Omit<BackupOptions, 'components'> & {
    components?: BackupComponentInput[];
    databases: DatabaseInput[];
    tempDir?: string;
  },
): Promise<BackupResult> {
  const tmp = await mkdtemp(join(opts.tempDir ?? process.env.MVONO_TMPDIR ?? tmpdir(), 'mvono-dump-'));
  try {
    const components = [...(opts.components ?? [])];
    for (const db of opts.databases) {
      const name = componentNameFor(db.profile);
      const dir = join(tmp, name);
      const dumpOpts = {
        ...(db.password !== undefined ? { password: db.password } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.progress ? { progress: opts.progress } : {}),
        clock: repo.clock,
      };
      const facts =
        db.profile.kind === 'postgres'
          ? await dumpPostgres(db.profile, dir, dumpOpts)
          : await dumpMariadb(db.profile, dir, dumpOpts);
      components.push({ type: db.profile.kind, name, database: db.profile.database, dir, facts });
    }
    return await backup(repo, { ...opts, components });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
