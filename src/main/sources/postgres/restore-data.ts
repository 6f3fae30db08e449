/**
 * The data section of a whole-database restore when table data is streamed (a DumpSource) rather
 * than read by pg_restore from files: pg_restore (15.14+) refuses anything but regular files in a
 * directory archive, so the rows are loaded the way a plain-format dump is: "COPY ... FROM stdin;"
 * followed by the table's data file (which ends with "\."), here sent straight to the server
 * (copy-in.ts) rather than through `psql -f -`. `jobs` sessions run at once, each taking the
 * largest piece not yet loaded, like pg_restore -j does.
 * A table of at least `splitTableBytes` is cut into up to `jobs` contiguous parts loaded at once
 * (copy-split.ts).
 * The COPY statements and the session settings (client_encoding, search_path, row_security...)
 * are the archive's own: pg_restore prints them from a copy of toc.dat with empty data files.
 * The section's other entries (sequence values, large objects) are restored by pg_restore -L.
 * The caller runs --section=pre-data before and --section=post-data (-j) after.
 */
import { createReadStream } from 'node:fs';
import { copyFile, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import type { ProgressReporter } from '../../engine/progress.js';
import { AppError, isAppError } from '../../platform/errors.js';
import { runProcess } from '../../platform/process.js';
import { toolError } from '../common.js';
import { type DbProfile, describeProfile } from '../profile.js';
import type { DumpSource } from '../sink.js';
import { connectPg } from './connect.js';
import { copyIn } from './copy-in.js';
import { type CopyPart, copyPartBytes, copyParts, MIN_SPLIT_BYTES, SPLIT_TABLE_BYTES } from './copy-split.js';
import type { PgRestoreOptions } from './restore.js';
import { parseTocLine, type Toc, type TocEntry } from './toc.js';
import { pgTool } from './tools.js';

interface Load {
  entry: TocEntry;
  copy: string;
  path: string;
  /** Bytes of the file this load reads (about). */
  size: number;
  part: CopyPart;
  /** Parts of this table not yet loaded (shared by its loads). */
  left: { n: number };
}

export async function loadDataSection(
  dumpDir: string,
  toc: Toc,
  target: DbProfile,
  source: DumpSource,
  copyStatements: Promise<CopyStatements>,
  ownerArgs: string[],
  opts: PgRestoreOptions,
  progress: ProgressReporter,
  runPgRestore: (args: string[]) => Promise<void>,
): Promise<{ tables: number; rows: Record<string, number> }> {
  const tableData = toc.entries.filter((e) => e.type === 'TABLE DATA');
  const { preamble, copies } = await copyStatements;
  const jobs = Math.max(1, opts.jobs ?? 2);
  const split = opts.splitTableBytes ?? SPLIT_TABLE_BYTES;
  const splitBytes = split > 0 ? Math.max(MIN_SPLIT_BYTES, split) : 0;
  const loads: Load[] = [];
  for (const [i, entry] of tableData.entries()) {
    const path = `dump/${entry.id}.dat`;
    const size = source.has(path) ? source.size(path) : (await stat(join(dumpDir, `${entry.id}.dat`))).size;
    const parts = copyParts(size, jobs, splitBytes);
    const left = { n: parts.length };
    for (const part of parts) {
      const bytes = (part.to ?? size) - part.from;
      loads.push({ entry, copy: copies[i] as string, path, size: bytes, part, left });
    }
  }
  loads.sort((a, b) => b.size - a.size || a.entry.id - b.entry.id);
  let next = 0;
  let done = 0;
  /** Rows the server reported inserted, per table ("schema.name"), summed over its parts. */
  const rows: Record<string, number> = {};
  // The first failing lane stops the others; its error is the one reported.
  const stop = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
  let firstError: unknown;
  const fail = (e: unknown) => {
    if (firstError === undefined) firstError = e;
    stop.abort();
  };
  /** The bytes of one load: its part of the table's file, checked for a complete end. */
  async function* loadBytes(l: Load, name: string): AsyncGenerator<Uint8Array> {
    const file = source.has(l.path)
      ? source.open(l.path, l.part.from)
      : createReadStream(join(dumpDir, `${l.entry.id}.dat`), { start: l.part.from });
    let tail = Buffer.alloc(0);
    for await (const b of copyPartBytes(file as AsyncIterable<Uint8Array>, l.part, name)) {
      tail = Buffer.concat([tail, b.subarray(Math.max(0, b.length - 8))]).subarray(-8);
      yield b;
    }
    // A part before the last ends with a whole row (CopyDone ends its COPY). The last part ends
    // with "\." (end of COPY data); a file cut short ends without it.
    if (l.part.to === undefined && !/(^|\n)\\\.\n*$/.test(tail.toString('latin1'))) {
      throw new AppError(
        'INTEGRITY',
        `The data of ${name} in the dump is incomplete (no end-of-data marker).`,
        {
          hint: 'Restore from another snapshot; run `mvono-backup check --read-data-subset 100%`.',
        },
      );
    }
  }
  // One session per lane: the archive's settings, then one COPY per load it takes.
  const lane = async () => {
    if (next >= loads.length) return;
    let client: pg.Client;
    try {
      client = await connectPg(target, opts);
    } catch (e) {
      fail(e);
      return;
    }
    let name = '';
    try {
      if (preamble.trim()) await client.query(preamble);
      while (next < loads.length && !signal.aborted) {
        const l = loads[next++] as Load;
        name = `${l.entry.schema}.${l.entry.tag}`;
        const n = await copyIn(client, l.copy, loadBytes(l, name), signal);
        rows[name] = (rows[name] ?? 0) + n; // read after the await: another lane may load a part of it
        if (--l.left.n > 0) continue;
        done++;
        progress.update({
          phase: 'postgres: restoring',
          bytesDone: 0,
          filesDone: done,
          filesTotal: tableData.length,
          current: name,
          rate: 0,
        });
      }
    } catch (e) {
      fail(
        isAppError(e)
          ? e
          : new AppError(
              'SOURCE_FAILED',
              `Loading ${name || 'the session settings'} into ${describeProfile(target)} failed: ${(e as Error).message}`,
              {
                hint: 'The new database is dropped; see the job log, fix the cause and restore again.',
                cause: e,
              },
            ),
      );
    } finally {
      await client.end().catch(() => {});
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, loads.length)) }, lane));
  if (firstError !== undefined) throw firstError;

  // Sequence values, large objects: the data section's other entries, from files in dumpDir.
  const listed = await runProcess(pgTool('pg_restore', opts.tools), ['--list', '--section=data', dumpDir], {
    ...(opts.signal ? { signal: opts.signal } : {}),
  }).catch((e: unknown) => {
    throw toolError(e, `reading the table of contents of ${dumpDir}`);
  });
  const rest = listed.stdout
    .split('\n')
    .map(parseTocLine)
    .filter((e): e is TocEntry => e !== undefined && e.type !== 'TABLE DATA');
  if (rest.length > 0) {
    const dir = await mkdtemp(join(tmpdir(), 'mvono-pglist-'));
    try {
      const list = join(dir, 'data.list');
      await writeFile(list, `${rest.map((e) => e.line).join('\n')}\n`);
      await runPgRestore([...ownerArgs, '--use-list', list, dumpDir]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return { tables: tableData.length, rows };
}

export interface CopyStatements {
  preamble: string;
  /** One per TABLE DATA entry, in TOC order. */
  copies: string[];
}

/**
 * The session preamble and one "COPY ... FROM stdin;" per TABLE DATA entry (TOC order), as
 * pg_restore prints them (it runs beside the pre-data step).
 */
export async function copyStatements(
  dumpDir: string,
  toc: Toc,
  opts: PgRestoreOptions,
): Promise<CopyStatements> {
  const entries = toc.entries.filter((e) => e.type === 'TABLE DATA');
  if (entries.length === 0) return { preamble: '', copies: [] };
  const dir = await mkdtemp(join(tmpdir(), 'mvono-pgcopy-'));
  let out: string;
  try {
    await copyFile(join(dumpDir, 'toc.dat'), join(dir, 'toc.dat'));
    for (const e of entries) await writeFile(join(dir, `${e.id}.dat`), '');
    await writeFile(join(dir, 'data.list'), `${entries.map((e) => e.line).join('\n')}\n`);
    out = (
      await runProcess(
        pgTool('pg_restore', opts.tools),
        ['--data-only', '--use-list', join(dir, 'data.list'), '--file', '-', dir],
        opts.signal ? { signal: opts.signal } : {},
      )
    ).stdout;
  } catch (e) {
    throw toolError(e, `reading the COPY statements of ${dumpDir}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const lines = out.split('\n');
  const copies = lines.filter((l) => /^COPY .* FROM stdin;$/.test(l));
  const first = lines.findIndex((l) => l.startsWith('-- Data for Name:') || l.startsWith('COPY '));
  // Settings only: comments and psql's \restrict key lines are left out.
  const preamble = lines
    .slice(0, first < 0 ? lines.length : first)
    .filter((l) => /^(SET |SELECT pg_catalog\.set_config)/.test(l))
    .join('\n');
  if (copies.length !== entries.length) {
    throw new AppError(
      'INTERNAL',
      `pg_restore printed ${copies.length} COPY statements for ${entries.length} tables of ${dumpDir}.`,
    );
  }
  return { preamble: `${preamble}\n`, copies };
}
