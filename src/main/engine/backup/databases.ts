/**
 * Database components. PostgreSQL dumps are streamed into the repository while pg_dump runs
 * (sources/ follows each table's file as it is written; stream.ts chunks and stores it), inside
 * the backup, so dumping and storing overlap and the dump never sits whole in the temp dir.
 * MariaDB dumps are written to a private temporary directory first and stored as the component's
 * subtree. Either way the component holds one file per table (dedups across days) and its facts
 * go into the manifest; the temporary directory is deleted when the snapshot is written (or not).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Repository } from '../../repo/repository.js';
import type { MariaDumpOptions } from '../../sources/mariadb/dump.js';
import { dumpPostgres, type PgDumpOptions } from '../../sources/postgres/dump.js';
import type { DbProfile } from '../../sources/profile.js';
import { type BackupComponentInput, type BackupOptions, type BackupResult, backup } from './backup.js';
import { StreamTree } from './stream.js';

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

/**
 * The backup component for one database. PostgreSQL is dumped inside the backup, each table file
 * stored while pg_dump is still writing the next (`produce`); MariaDB is dumped to `dir` now.
 */
export async function databaseComponent(
  profile: DbProfile,
  name: string,
  dir: string,
  dumpOpts: MariaDumpOptions & PgDumpOptions,
): Promise<BackupComponentInput> {
  if (profile.kind === 'postgres') {
    return {
      type: 'postgres',
      name,
      database: profile.database,
      produce: async (ctx) => {
        const tree = new StreamTree(ctx);
        const facts = await dumpPostgres(profile, dir, { ...dumpOpts, sink: tree });
        return { subtree: await tree.save(), facts };
      },
    };
  }
  // Loaded only when needed: each database driver costs ~80 ms of start-up.
  const { dumpMariadb } = await import('../../sources/mariadb/dump.js');
  const facts = await dumpMariadb(profile, dir, dumpOpts);
  return { type: profile.kind, name, database: profile.database, dir, facts };
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
      components.push(await databaseComponent(db.profile, name, dir, dumpOpts));
    }
    return await backup(repo, { ...opts, components });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
