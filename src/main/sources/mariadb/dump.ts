/**
 * Dumps a MariaDB/MySQL database into `dir`, one file per table so unchanged tables dedup across
 * days and tables restore selectively:
 *   schema/<table>.sql   CREATE TABLE (mariadb-dump --no-data --skip-triggers, split)
 *   views.sql            view placeholders then final view definitions, in dump order
 *   routines.sql         functions, procedures, events (--routines --events)
 *   triggers.sql         triggers (loaded last, so restoring rows fires none)
 *   data/<table>.sql     rows (--single-transaction --hex-blob --order-by-primary, split)
 *   facts.json           the DbFacts returned
 * File names are the URI-encoded table names. Every file starts with the dump header (utf8mb4,
 * UTC time zone, FOREIGN_KEY_CHECKS=0) so it loads on its own.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type mysql from 'mysql2/promise';
import { noProgress, type ProgressReporter } from '../../engine/progress.js';
import { type Clock, systemClock } from '../../platform/clock.js';
import { AppError, throwIfAborted } from '../../platform/errors.js';
import { ProcessError, runProcess } from '../../platform/process.js';
import { isNoSpace, removeQuietly, requireSpace, toolError } from '../common.js';
import type { DbFacts, TableFacts } from '../facts.js';
import { type DbAuth, type DbProfile, describeProfile } from '../profile.js';
import { schemaFingerprint } from '../schema-history/normalise.js';
import {
  connectMaria,
  type MariaToolsOptions,
  mapMariaError,
  mariaArgs,
  mariaEnv,
  mariaTool,
} from './connect.js';
import { listMariaTables, mariaSchemaText, mariaServerInfo, mariaTableFacts } from './facts.js';
import { DumpSplitter, tableFileName } from './split.js';

export interface MariaDumpOptions extends DbAuth {
  signal?: AbortSignal;
  progress?: ProgressReporter;
  tools?: MariaToolsOptions;
  clock?: Clock;
  checkSpace?: boolean;
  /** Accepted for symmetry with PostgreSQL; mariadb-dump is single-threaded. */
  jobs?: number;
}

export const MARIA_DUMP_OUTPUTS = [
  'schema',
  'data',
  'views.sql',
  'routines.sql',
  'triggers.sql',
  'facts.json',
];

export async function mariaDumpVersion(tools?: MariaToolsOptions, signal?: AbortSignal): Promise<string> {
  try {
    const r = await runProcess(mariaTool('mariadb-dump', tools), ['--version'], signal ? { signal } : {});
    return /Distrib (\S+?),/.exec(r.stdout)?.[1] ?? /Ver (\S+)/.exec(r.stdout)?.[1] ?? 'unknown';
  } catch (e) {
    throw toolError(e, 'checking the mariadb-dump version');
  }
}

/** Tool present, server reachable with these credentials, database exists, room for the dump. */
export async function preflightMariadb(p: DbProfile, opts: MariaDumpOptions & { tempDir?: string } = {}) {
  const toolVersion = await mariaDumpVersion(opts.tools, opts.signal);
  const c = await connectMaria(p, opts);
  try {
    const info = await mariaServerInfo(c, p.database);
    if (opts.tempDir && opts.checkSpace !== false) {
      await requireSpace(
        opts.tempDir,
        Math.ceil(info.size * 1.2) + 16 * 1024 * 1024,
        `a dump of ${describeProfile(p)}`,
      );
    }
    return { toolVersion, ...info };
  } finally {
    await c.end().catch(() => {});
  }
}

export async function dumpMariadb(p: DbProfile, dir: string, opts: MariaDumpOptions = {}): Promise<DbFacts> {
  const progress = opts.progress ?? noProgress;
  const clock = opts.clock ?? systemClock;
  await mkdir(dir, { recursive: true });
  const pre = await preflightMariadb(p, { ...opts, tempDir: dir });
  const c = await connectMaria(p, opts);
  const abort = () => c.destroy();
  opts.signal?.addEventListener('abort', abort, { once: true });
  try {
    await c.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    await c.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    const takenAt = clock.now().toISOString();
    const tables = await listMariaTables(c, p.database);
    const [tf] = await Promise.all([factsFor(c, tables), dumpData(p, dir, opts, tables.length, progress)]);
    const schema = await mariaSchemaText(c, p.database);
    await c.query('COMMIT');
    await dumpSchema(p, dir, opts);
    throwIfAborted(opts.signal);
    const facts: DbFacts = {
      kind: 'mariadb',
      database: p.database,
      serverVersion: pre.version,
      takenAt,
      sizeBytes: pre.size,
      schemaFingerprint: schemaFingerprint(schema),
      tables: tf,
      charset: pre.charset,
      collation: pre.collation,
      dumpTool: `mariadb-dump ${pre.toolVersion}`,
      warnings: [],
    };
    await writeFile(join(dir, 'facts.json'), `${JSON.stringify(facts, null, 2)}\n`);
    return facts;
  } catch (e) {
    for (const o of MARIA_DUMP_OUTPUTS) await removeQuietly(join(dir, o));
    throwIfAborted(opts.signal);
    if (e instanceof AppError) throw e;
    if (e instanceof ProcessError || isNoSpace(e)) throw toolError(e, `dump of ${describeProfile(p)}`, dir);
    throw mapMariaError(e, p);
  } finally {
    opts.signal?.removeEventListener('abort', abort);
    await c.end().catch(() => {});
  }
}

async function factsFor(
  c: mysql.Connection,
  tables: Awaited<ReturnType<typeof listMariaTables>>,
): Promise<TableFacts[]> {
  const out: TableFacts[] = [];
  for (const t of tables) out.push(await mariaTableFacts(c, t));
  return out;
}

function common(p: DbProfile): string[] {
  return [
    ...mariaArgs(p),
    '--single-transaction',
    '--hex-blob',
    '--default-character-set=utf8mb4',
    '--skip-dump-date',
  ];
}

async function dumpData(
  p: DbProfile,
  dir: string,
  opts: MariaDumpOptions,
  total: number,
  progress: ProgressReporter,
) {
  let done = 0;
  const splitter = new DumpSplitter(dir, (kind, name) => {
    if (kind !== 'data') return undefined;
    done++;
    progress.update({
      phase: 'mariadb: dumping tables',
      bytesDone: 0,
      filesDone: done,
      filesTotal: total,
      current: name,
      rate: 0,
    });
    return join('data', tableFileName(name));
  });
  await runProcess(
    mariaTool('mariadb-dump', opts.tools),
    [
      ...common(p),
      '--no-create-info',
      '--skip-triggers',
      '--order-by-primary',
      '--skip-add-locks',
      '--',
      p.database,
    ],
    { env: mariaEnv(opts), stdout: splitter, ...(opts.signal ? { signal: opts.signal } : {}) },
  );
}

async function dumpSchema(p: DbProfile, dir: string, opts: MariaDumpOptions) {
  const run = (args: string[], out: NodeJS.WritableStream & import('node:stream').Writable) =>
    runProcess(mariaTool('mariadb-dump', opts.tools), [...common(p), ...args, '--', p.database], {
      env: mariaEnv(opts),
      stdout: out,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  const splitter = new DumpSplitter(dir, (kind, name) =>
    kind === 'table' ? join('schema', tableFileName(name)) : kind === 'view' ? 'views.sql' : undefined,
  );
  await run(['--no-data', '--skip-triggers'], splitter);
  await run(
    ['--no-data', '--no-create-info', '--skip-triggers', '--routines', '--events'],
    createWriteStream(join(dir, 'routines.sql')),
  );
  await run(['--no-data', '--no-create-info', '--triggers'], createWriteStream(join(dir, 'triggers.sql')));
}
