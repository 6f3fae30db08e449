/** backup, restore */
import { resolve } from 'node:path';
// The engine's modules are imported when a command runs, not with the CLI: a database backup
// starts pg_dump first and loads the repository side while pg_dump reads the catalogs.
import type { BackupComponentInput, BackupOptions } from '../../engine/backup/backup.js';
import { AppError } from '../../platform/errors.js';
import type { Repository } from '../../repo/repository.js';
import type { Command } from '../command.js';
import { str, strs } from '../command.js';
import { emit, openRepo } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { humanBytes, humanDuration } from '../output.js';
import { databaseFromUri } from './db-uri.js';

export const backupCmd: Command = {
  name: 'backup',
  summary: 'back up paths (and databases) into one snapshot',
  usage:
    'backup [<path>...] [--config <path>...] [--postgres <uri>] [--mariadb <uri>] [--name N] [--tag T] [--plan P] [--force-reread]',
  options: {
    name: { type: 'string' },
    tag: { type: 'string', multiple: true },
    plan: { type: 'string' },
    config: { type: 'string', multiple: true },
    postgres: { type: 'string', multiple: true },
    mariadb: { type: 'string', multiple: true },
    'force-reread': { type: 'boolean' },
  },
  async run(ctx, args, v) {
    const components: BackupComponentInput[] = [];
    if (args.length > 0)
      components.push({ type: 'files', name: 'files', paths: args.map((p) => resolve(p)) });
    const config = strs(v, 'config');
    if (config.length > 0)
      components.push({ type: 'config', name: 'config', paths: config.map((p) => resolve(p)) });
    const dbs = [...strs(v, 'postgres'), ...strs(v, 'mariadb')].map((uri) => databaseFromUri(uri));
    if (components.length === 0 && dbs.length === 0) {
      throw new AppError('INVALID_INPUT', 'Nothing to back up.', {
        hint: 'Give paths, --config paths, --postgres or --mariadb.',
      });
    }
    // The database modules load first (pg alone is ~40 ms), so that the first dump can start
    // before the repository opens (engine/backup/databases.ts).
    const loading = dbs.length > 0 ? import('../../engine/backup/databases.js') : undefined;
    loading?.catch(() => {}); // awaited below, after the URIs
    const databases = await Promise.all(dbs);
    const dbBackup = loading ? (await loading).backupWithDatabases : undefined;
    // While the repository opens (the passphrase KDF), the paths are walked and the first
    // database dump starts. The walk waits until the KDF has started: its synchronous batches
    // would otherwise delay the reads of the config and key slots that come before.
    const paths = components.flatMap((c) => ('paths' in c ? c.paths : []));
    let unlocking = () => {};
    const kdfStarted = new Promise<void>((r) => (unlocking = r));
    const prewalk =
      paths.length > 0
        ? new (await import('../../engine/backup/prewalk.js')).Prewalk(paths, ctx.signal, kdfStarted)
        : undefined;
    const open = () => {
      // Files keep every worker busy from the start; a database dump alone needs one at first.
      const opening = openRepo(ctx, {
        onUnlocking: unlocking,
        startWorkers: paths.length > 0 ? 'all' : true,
      });
      // awaited by backup() / backupWithDatabases()
      opening.catch(() => prewalk?.stop()).finally(unlocking);
      return opening;
    };
    const common = {
      ...(prewalk ? { prewalk } : {}),
      ...(str(v, 'name') ? { name: str(v, 'name') } : {}),
      ...(str(v, 'plan') ? { plan: str(v, 'plan') } : {}),
      tags: strs(v, 'tag'),
      forceReread: v['force-reread'] === true,
      signal: ctx.signal,
      progress: ctx.progress,
    };
    const result = dbBackup
      ? await dbBackup(open, { ...common, components, databases })
      : await filesBackup(open(), { ...common, components });
    ctx.progress.clear();
    for (const w of result.warnings) ctx.progress.log('warn', w);
    const s = result.snapshot;
    emit(ctx, { snapshot: s.id, summary: s.summary, warnings: result.warnings }, () =>
      [
        `Snapshot ${s.id.slice(0, 8)} saved`,
        `  files ${s.summary.files}, dirs ${s.summary.dirs}, ${humanBytes(s.summary.bytes)} processed`,
        `  added ${humanBytes(s.summary.addedBytes)} (${humanBytes(s.summary.storedBytes)} stored) in ${humanDuration(s.summary.durationMs / 1000)}`,
        result.warnings.length
          ? `  ${result.warnings.length} warning(s): some items were skipped (see above)`
          : '',
      ]
        .filter(Boolean)
        .join('\n'),
    );
    return result.warnings.length > 0 ? EXIT.warnings : EXIT.ok;
  },
};

export const restoreCmd: Command = {
  name: 'restore',
  summary: 'restore a snapshot into a directory (or a database)',
  usage:
    'restore <snapshot|latest> --target <dir> [--include <glob>...] [--overwrite]\n' +
    '       restore <snapshot> --db-target <uri> [--component C] [--tables a,b] [--replace --confirm <db name>]',
  options: {
    target: { type: 'string', short: 't' },
    include: { type: 'string', multiple: true },
    overwrite: { type: 'boolean' },
    'db-target': { type: 'string' },
    component: { type: 'string' },
    tables: { type: 'string' },
    replace: { type: 'boolean' },
    confirm: { type: 'string' },
  },
  async run(ctx, args, v) {
    const ref = args[0];
    if (!ref) throw new AppError('INVALID_INPUT', 'Which snapshot? Give its id or "latest".');
    if (str(v, 'db-target')) {
      const { restoreDatabaseCli } = await import('./restore-db.js');
      return restoreDatabaseCli(ctx, ref, v);
    }
    const target = str(v, 'target');
    if (!target)
      throw new AppError(
        'INVALID_INPUT',
        'Where to? Give --target <dir> (or --db-target <uri> for a database).',
      );
    const opening = openRepo(ctx, { startWorkers: 'all' });
    opening.catch(() => {}); // awaited next
    const { restore } = await import('../../engine/restore/restore.js');
    const repo = await opening;
    const snap = await repo.findSnapshot(ref, ctx.signal);
    const include = strs(v, 'include');
    const res = await restore(repo, snap, {
      target,
      ...(include.length ? { include } : {}),
      overwrite: v.overwrite === true,
      signal: ctx.signal,
      progress: ctx.progress,
    });
    ctx.progress.clear();
    for (const e of res.errors) ctx.progress.log('error', `${e.path}: ${e.message}`);
    emit(
      ctx,
      { snapshot: snap.id, ...res },
      () =>
        `Restored ${res.files} files, ${res.dirs} dirs (${humanBytes(res.bytes)}) from ${snap.id.slice(0, 8)} to ${resolve(target)}` +
        (res.errors.length
          ? `\n${res.errors.length} file(s) could NOT be restored (damaged data; they were not written).`
          : ''),
    );
    return res.errors.length > 0 ? EXIT.integrity : EXIT.ok;
  },
};

/** A backup without databases: the engine loads while the repository opens. */
async function filesBackup(
  opening: Promise<Repository>,
  opts: Omit<BackupOptions, 'components'> & { components: BackupComponentInput[] },
) {
  const { backup } = await import('../../engine/backup/backup.js');
  return backup(await opening, opts);
}
