/**
 * The local catalog: one SQLite file (better-sqlite3, WAL, foreign keys) holding users, sessions,
 * settings, audit log, targets, profiles, recovery records; migrated at open.
 * The catalog is local convenience state: the repository in the bucket lists every snapshot without it.
 */
import Database from 'better-sqlite3';
import { type Clock, systemClock } from '../platform/clock.js';
import { AppError } from '../platform/errors.js';
import { latestVersion, MIGRATIONS, type Migration } from './migrations/index.js';

export type CatalogDb = Database.Database;

export interface OpenCatalogOptions {
  clock?: Clock;
  migrations?: readonly Migration[];
  readonly?: boolean;
}

function recoveryHint(file: string): string {
  return (
    `Move "${file}" aside (rename it to "${file}.bak", with its -wal and -shm files) and start the console ` +
    'again: a new catalog is created. Every snapshot is still listed from the repository; users, ' +
    'plans and storage targets must be set up again (or restore the catalog from a backup).'
  );
}

function corrupt(file: string, cause: unknown): AppError {
  return new AppError('CONFIG', `The catalog file "${file}" is damaged or is not a catalog database.`, {
    hint: recoveryHint(file),
    cause,
  });
}

/** Opens (creating if needed) and migrates the catalog. `:memory:` works for tests. */
export function openCatalog(file: string, opts: OpenCatalogOptions = {}): CatalogDb {
  const migrations = [...(opts.migrations ?? MIGRATIONS)].sort((a, b) => a.version - b.version);
  let db: CatalogDb;
  try {
    db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  } catch (e) {
    throw new AppError('CONFIG', `Cannot open the catalog file "${file}".`, {
      hint: 'Check that the directory exists and is writable by this user.',
      cause: e,
    });
  }
  try {
    if (file !== ':memory:' && !opts.readonly) db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`quick_check: ${String(check)}`);
  } catch (e) {
    db.close();
    throw corrupt(file, e);
  }
  try {
    migrate(db, file, migrations, opts.clock ?? systemClock);
  } catch (e) {
    db.close();
    if (e instanceof AppError) throw e;
    throw corrupt(file, e);
  }
  return db;
}

function migrate(db: CatalogDb, file: string, migrations: Migration[], clock: Clock): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const rows = db.prepare('SELECT version FROM schema_version').all() as { version: number }[];
  const applied = new Set(rows.map((r) => r.version));
  const newest = rows.reduce((m, r) => Math.max(m, r.version), 0);
  const known = latestVersion(migrations);
  if (newest > known) {
    throw new AppError(
      'UNSUPPORTED_FORMAT',
      `The catalog file "${file}" was written by a newer Mvono Backup Console (schema ${newest}; this version knows up to ${known}).`,
      { hint: `Install the newer version again, or: ${recoveryHint(file)}` },
    );
  }
  const record = db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      m.up(db);
      record.run(m.version, m.name, clock.now().toISOString());
    })();
  }
}

/** The applied schema version (highest migration). */
export function schemaVersion(db: CatalogDb): number {
  const r = db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null };
  return r.v ?? 0;
}
