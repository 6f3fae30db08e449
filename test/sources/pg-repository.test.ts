/**
 * PostgreSQL dumps streamed into a real repository and streamed back out (engine + sources against
 * the real server): round trip identical (schema and data) with validation all-match, a snapshot
 * made the older way (dump directory stored as files) restores the same, selective restore from
 * the repository, an unchanged second backup adds almost nothing, cancelling a backup or a restore
 * leaves nothing visible, a damaged blob fails the restore with INTEGRITY and leaves no database,
 * and a mismatching sampled row is reported by its key. A dump started while the repository is
 * still opening waits on disk and is stored whole; if the repository then fails to open, the dump
 * is stopped (no pg_dump connection left) and leaves no files.
 */
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { backup } from '../../src/main/engine/backup/backup.js';
import { backupWithDatabases } from '../../src/main/engine/backup/databases.js';
import { restoreDatabase } from '../../src/main/engine/restore/database.js';
import { AppError, isAppError } from '../../src/main/platform/errors.js';
import { packName } from '../../src/main/repo/format.js';
import type { Repository } from '../../src/main/repo/repository.js';
import type { SnapshotManifest } from '../../src/main/repo/snapshot.js';
import type { TreeNode } from '../../src/main/repo/tree.js';
import { describeMismatches } from '../../src/main/sources/facts.js';
import { copyParts } from '../../src/main/sources/postgres/copy-split.js';
import { dumpPostgres, rowsInDump } from '../../src/main/sources/postgres/dump.js';
import { restorePostgres } from '../../src/main/sources/postgres/restore.js';
import { parseTocLine, type TocEntry } from '../../src/main/sources/postgres/toc.js';
import { validatePostgres } from '../../src/main/sources/postgres/validate.js';
import { lastJson, runCli } from '../support/cli.js';
import { buildPgMgmtDb, dropPg, pgProfile, uniqueDbName, withPgDb } from '../support/mgmt-db.js';
import { abortWhen } from '../support/progress.js';
import { initRepo } from '../support/repo.js';
import { pgDbExists, rawSchema, sequenceValues, tableHashes, tempDir } from './helpers.js';

/** Resolves once `pred` holds (checked every 10 ms); fails after `ms`. */
async function until(pred: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** True once pg_dump has written its table of contents (its last file) under `tmp`. */
async function dumpFinishedUnder(tmp: string): Promise<boolean> {
  const names = await readdir(tmp, { recursive: true }).catch(() => []);
  return names.map(String).some((n) => n.endsWith('/dump/toc.dat'));
}

/** Connections of our tools (pg_dump and the snapshot session) to `db`. */
async function toolSessions(db: string): Promise<number> {
  return withPgDb('postgres', async (c) => {
    const r = await c.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'mvono-backup'",
      [db],
    );
    return r.rows[0]?.n ?? 0;
  });
}

/** The table data files (tree nodes) of a snapshot's PostgreSQL component. */
/** True while a pg_dump of `db` reading an exported snapshot runs (Linux: /proc/<pid>/cmdline). */
async function pgDumpRunningFor(db: string): Promise<boolean> {
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (args[0]?.endsWith('pg_dump') && args.includes(db) && args.some((a) => a.startsWith('--snapshot=')))
      return true;
  }
  return false;
}

async function dataNodes(r: Repository, snap: SnapshotManifest): Promise<TreeNode[]> {
  const comp = snap.components.find((c) => c.type === 'postgres');
  const top = (await r.loadTree(snap.tree)).nodes.find((n) => n.name === comp?.name);
  const dump = (await r.loadTree(top?.subtree ?? '')).nodes.find((n) => n.name === 'dump');
  return (await r.loadTree(dump?.subtree ?? '')).nodes.filter((n) => /^\d+\.dat$/.test(n.name));
}

/** The table data files of a snapshot's PostgreSQL component: name -> content ids. */
async function dataFiles(r: Repository, snap: SnapshotManifest): Promise<Record<string, string[]>> {
  return Object.fromEntries((await dataNodes(r, snap)).map((f) => [f.name, f.content ?? []]));
}

describe('postgres dumps streamed through the repository', () => {
  const src = uniqueDbName('mvono_ps_src');
  const copy = uniqueDbName('mvono_ps_copy');
  const legacy = uniqueDbName('mvono_ps_old');
  const cancelled = uniqueDbName('mvono_ps_cxl');
  const damaged = uniqueDbName('mvono_ps_bad');
  const split = uniqueDbName('mvono_ps_split');
  const counted = uniqueDbName('mvono_ps_cnt');
  const rowsDb = uniqueDbName('mvono_ps_rows');
  let work = '';
  let repo: Repository;
  let first: SnapshotManifest;

  before(async () => {
    await buildPgMgmtDb(src);
    work = await tempDir('mvono-pgrepo-');
    repo = await initRepo(join(work, 'repo'));
  });
  after(async () => {
    await repo?.close();
    await dropPg(src, copy, legacy, cancelled, damaged, split, counted, rowsDb);
    await rm(work, { recursive: true, force: true });
  });

  it('streams the dump into the repository with the directory layout, and restores it identical', async () => {
    const res = await backupWithDatabases(repo, { databases: [{ profile: pgProfile(src) }], parent: null });
    first = res.snapshot;
    const comp = first.components.find((c) => c.type === 'postgres');
    assert.ok(comp && comp.type === 'postgres');
    const top = (await repo.loadTree(first.tree)).nodes.find((n) => n.name === comp.name);
    const names = (await repo.loadTree(top?.subtree ?? '')).nodes.map((n) => n.name).sort();
    assert.deepEqual(names, ['dump', 'facts.json', 'globals.sql']);
    const dumpNode = (await repo.loadTree(top?.subtree ?? '')).nodes.find((n) => n.name === 'dump');
    const files = (await repo.loadTree(dumpNode?.subtree ?? '')).nodes;
    assert.ok(files.some((f) => f.name === 'toc.dat'));
    assert.ok(files.filter((f) => /^\d+\.dat$/.test(f.name)).length >= 14, 'one file per table');
    assert.ok(
      files.some((f) => (f.size ?? 0) > 256 * 1024),
      'some table data is large enough to be streamed back',
    );

    const r = await restoreDatabase(repo, first, { target: pgProfile(copy) });
    assert.equal(r.validation.ok, true, describeMismatches(r.validation).join('; '));
    assert.equal(r.validation.schemaMatch, true);
    assert.ok(r.validation.tables.every((t) => t.status === 'match'));
    assert.equal(await rawSchema(copy), await rawSchema(src));
    assert.deepEqual(await tableHashes(copy), await tableHashes(src));
    assert.deepEqual(await sequenceValues(copy), await sequenceValues(src));
  });

  it("records each table's rows as counted in its data file while stored: equal to count(*)", async () => {
    await withPgDb('postgres', (c) => c.query(`CREATE DATABASE ${rowsDb}`));
    await withPgDb(rowsDb, async (c) => {
      // Values with newlines, tabs, backslashes and non-ASCII (COPY escapes them: one line per row).
      await c.query('CREATE TABLE notes (id int PRIMARY KEY, body text)');
      await c.query(
        `INSERT INTO notes SELECT g, E'line one\nline two\t\\ Zoë ☕\r\n' || g FROM generate_series(1, 5000) g`,
      );
      await c.query('CREATE TABLE empty_keyed (id int PRIMARY KEY)');
      await c.query('CREATE TABLE log_big (at int, line text)'); // no key, too large for a whole hash
      await c.query("INSERT INTO log_big SELECT g, E'a\nb' FROM generate_series(1, 30000) g");
      // Two tables whose "schema name" texts read alike in the table of contents.
      await c.query('CREATE SCHEMA "a b"; CREATE SCHEMA a');
      await c.query('CREATE TABLE "a b".c (id int PRIMARY KEY); INSERT INTO "a b".c VALUES (1), (2)');
      await c.query('CREATE TABLE a."b c" (id int PRIMARY KEY); INSERT INTO a."b c" VALUES (1)');
      await c.query('ANALYZE');
    });
    const res = await backupWithDatabases(repo, {
      databases: [{ profile: pgProfile(rowsDb) }],
      parent: null,
    });
    const comp = res.snapshot.components.find((c) => c.type === 'postgres');
    assert.ok(comp && comp.type === 'postgres');
    const recorded = Object.fromEntries(comp.facts.tables.map((t) => [t.name, t.rows]));
    const actual = await withPgDb(rowsDb, async (c) => {
      const out: Record<string, number> = {};
      for (const name of ['public.notes', 'public.empty_keyed', 'public.log_big', 'a b.c', 'a.b c']) {
        const [schema, table] = [name.slice(0, name.indexOf('.')), name.slice(name.indexOf('.') + 1)];
        const q = `SELECT count(*)::int AS n FROM "${schema}"."${table}"`;
        out[name] = (await c.query<{ n: number }>(q)).rows[0]?.n ?? -1;
      }
      return out;
    });
    assert.deepEqual(recorded, actual);
  });

  it('loads large tables in parallel parts (contiguous row ranges) and restores them identical', async () => {
    // Parts of 64 KiB or more: the larger tables of the test database are cut in two.
    const splitTableBytes = 64 * 1024;
    const sizes = (await dataNodes(repo, first)).map((f) => f.size ?? 0);
    assert.ok(
      sizes.filter((n) => copyParts(n, 2, splitTableBytes).length === 2).length >= 2,
      `tables large enough to be cut: ${sizes.join(', ')}`,
    );
    const r = await restoreDatabase(repo, first, { target: pgProfile(split), splitTableBytes });
    assert.equal(r.validation.ok, true, describeMismatches(r.validation).join('; '));
    assert.equal(await rawSchema(split), await rawSchema(src));
    assert.deepEqual(await tableHashes(split), await tableHashes(src));
    assert.deepEqual(await sequenceValues(split), await sequenceValues(src));
  });

  it('an unchanged second backup adds almost nothing', async () => {
    const again = await backupWithDatabases(repo, { databases: [{ profile: pgProfile(src) }] });
    const ratio = again.snapshot.summary.addedBytes / first.summary.addedBytes;
    assert.ok(ratio < 0.05, `second backup added ${(ratio * 100).toFixed(1)}% of the first`);
  });

  it('restores a snapshot whose dump directory was stored as files (the earlier way)', async () => {
    const dir = join(work, 'old-dump');
    const facts = await dumpPostgres(pgProfile(src), join(dir, 'postgres-old'));
    const snap = (
      await backup(repo, {
        components: [
          { type: 'postgres', name: 'postgres-old', database: src, dir: join(dir, 'postgres-old'), facts },
        ],
        parent: null,
      })
    ).snapshot;
    const r = await restoreDatabase(repo, snap, { target: pgProfile(legacy) });
    assert.equal(r.validation.ok, true, describeMismatches(r.validation).join('; '));
    assert.deepEqual(await tableHashes(legacy), await tableHashes(src));
  });

  it('restores selected tables from the repository into an existing database, touching nothing else', async () => {
    await withPgDb(legacy, async (c) => {
      await c.query('DELETE FROM contacts WHERE id % 3 = 0');
      await c.query("UPDATE projects SET title = title || ' (draft)'");
    });
    const before = await tableHashes(legacy);
    const r = await restoreDatabase(repo, first, {
      target: pgProfile(legacy),
      tables: ['contacts'],
      mode: 'replace',
      confirm: legacy,
    });
    assert.equal(r.validation.ok, true, describeMismatches(r.validation).join('; '));
    assert.ok(r.safetySnapshot, 'replacing takes a safety snapshot first');
    const now = await tableHashes(legacy);
    const source = await tableHashes(src);
    for (const t of Object.keys(now)) {
      if (t === 'public.contacts') assert.equal(now[t], source[t], 'contacts restored');
      else assert.equal(now[t], before[t], `${t} untouched`);
    }
  });

  it('counts restored rows from the COPYs that loaded them (summed over parts), and validation uses them', async () => {
    const dir = join(work, 'counted');
    const facts = await dumpPostgres(pgProfile(src), dir);
    // The dump's table files served as a stream, as the repository serves them.
    const files = join(dir, 'dump');
    const sizes = new Map<string, number>();
    for (const f of await readdir(files)) sizes.set(`dump/${f}`, (await stat(join(files, f))).size);
    const source = {
      has: (p: string) => sizes.has(p) && p.endsWith('.dat'),
      size: (p: string) => sizes.get(p) ?? 0,
      open: (p: string, start = 0) => createReadStream(join(dir, p), { start }),
    };
    const res = await restorePostgres(dir, pgProfile(counted), { source, splitTableBytes: 64 * 1024 });
    const expected = Object.fromEntries(facts.tables.map((t) => [t.name, t.rows]));
    assert.deepEqual(res.loadedRows, expected, 'one count per table, equal to the rows dumped');
    // Validation takes a given count instead of counting: one that disagrees is reported as such.
    const [name, rows] = Object.entries(expected).find(([, n]) => n > 0) ?? ['', 0];
    const report = await validatePostgres(facts, pgProfile(counted), {
      loadedRows: { ...expected, [name]: rows + 1 },
    });
    const bad = report.tables.filter((t) => t.status !== 'match');
    assert.deepEqual(
      bad.map((t) => [t.name, t.actualRows]),
      [[name, rows + 1]],
    );
  });

  it('reports a mismatching sampled row by its key', async () => {
    const comp = first.components.find((c) => c.type === 'postgres');
    assert.ok(comp && comp.type === 'postgres');
    const key = Object.keys(comp.facts.tables.find((t) => t.name === 'public.clients')?.samples ?? {})[0];
    assert.ok(key, 'clients has sampled rows');
    const id = Number(key.replace(/[()]/g, ''));
    await withPgDb(copy, (c) => c.query("UPDATE clients SET notes = 'changed' WHERE id = $1", [id]));
    const v = await validatePostgres(comp.facts, pgProfile(copy));
    assert.equal(v.ok, false);
    const clients = v.tables.find((t) => t.name === 'public.clients');
    assert.equal(clients?.sampleMismatches, 1);
    assert.deepEqual(clients?.mismatchedKeys, [key]);
    assert.match(describeMismatches(v).join('\n'), new RegExp(`public\\.clients: .*key\\(s\\) \\(${id}\\)`));
  });

  it('a cancelled backup leaves no snapshot and no dump files', async () => {
    const snapshots = (await repo.listSnapshotIds()).length;
    const ac = new AbortController();
    const tmp = join(work, 'tmp-cancel');
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp);
    await assert.rejects(
      backupWithDatabases(repo, {
        databases: [{ profile: pgProfile(src) }],
        tempDir: tmp,
        signal: ac.signal,
        progress: abortWhen(ac, (p) => p.phase === 'postgres: dumping tables'),
      }),
      (e) => isAppError(e, 'CANCELLED'),
    );
    assert.equal((await repo.listSnapshotIds()).length, snapshots);
    assert.deepEqual(await readdir(tmp), []);
  });

  it('a dump started while the repository opens waits on disk until it is open, and is stored whole', async () => {
    const tmp = join(work, 'tmp-early');
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp);
    // The repository "opens" only after pg_dump has written everything: nothing was taken before.
    const opening = until(() => dumpFinishedUnder(tmp), 'pg_dump finished').then(() => repo);
    const res = await backupWithDatabases(opening, {
      databases: [{ profile: pgProfile(src) }],
      tempDir: tmp,
    });
    assert.deepEqual(await dataFiles(repo, res.snapshot), await dataFiles(repo, first), 'same table data');
    const comp = res.snapshot.components.find((c) => c.type === 'postgres');
    assert.ok(comp && comp.type === 'postgres');
    assert.ok(comp.facts.tables.length >= 14);
    assert.deepEqual(await readdir(tmp), []);
  });

  it('given a function that opens the repository, calls it once pg_dump runs, and stores the dump whole', async () => {
    const tmp = join(work, 'tmp-opener');
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp);
    const opened: boolean[] = [];
    const res = await backupWithDatabases(
      async () => {
        opened.push(await pgDumpRunningFor(src));
        return repo;
      },
      { databases: [{ profile: pgProfile(src) }], tempDir: tmp },
    );
    assert.deepEqual(opened, [true], 'opened once, while pg_dump ran');
    assert.deepEqual(await dataFiles(repo, res.snapshot), await dataFiles(repo, first), 'same table data');
    assert.deepEqual(await readdir(tmp), []);
  });

  it('a dump started while the repository opens is stopped, leaving nothing, when it fails to open', async () => {
    const tmp = join(work, 'tmp-noopen');
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp);
    const snapshots = (await repo.listSnapshotIds()).length;
    let dumping = false;
    const progress = {
      update: (p: { phase: string }) => {
        if (p.phase === 'postgres: dumping tables') dumping = true;
      },
      log: () => {},
    };
    const opening = until(async () => dumping, 'pg_dump started').then(() => {
      throw new AppError('WRONG_KEY', 'None of the given keys opens this repository.');
    });
    await assert.rejects(
      backupWithDatabases(opening, { databases: [{ profile: pgProfile(src) }], tempDir: tmp, progress }),
      (e) => isAppError(e, 'WRONG_KEY'),
    );
    assert.equal(dumping, true, 'the dump had started');
    assert.deepEqual(await readdir(tmp), []);
    assert.equal(await toolSessions(src), 0, 'pg_dump and the snapshot session are gone');
    assert.equal((await repo.listSnapshotIds()).length, snapshots);
  });

  it('`backup --postgres` with a wrong passphrase fails with WRONG_KEY and leaves no dump or session', async () => {
    const tmp = join(work, 'tmp-cli');
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp);
    const r = await runCli(
      ['backup', '--postgres', `postgres://postgres@127.0.0.1:5432/${src}`, '--no-keychain', '--json'],
      {
        MVONO_BACKUP_REPO: join(work, 'repo'),
        MVONO_BACKUP_PASSWORD: 'not-the-passphrase',
        MVONO_TMPDIR: tmp,
      },
    );
    assert.notEqual(r.code, 0);
    assert.equal(lastJson<{ error: { code: string } }>(r).error.code, 'WRONG_KEY', r.stderr);
    assert.deepEqual(await readdir(tmp), []);
    assert.equal(await toolSessions(src), 0);
  });

  it('a cancelled restore leaves no database', async () => {
    const ac = new AbortController();
    await assert.rejects(
      restoreDatabase(repo, first, {
        target: pgProfile(cancelled),
        signal: ac.signal,
        progress: abortWhen(ac, (p) => p.phase === 'postgres: restoring'),
      }),
      (e) => isAppError(e, 'CANCELLED'),
    );
    assert.equal(await pgDbExists(cancelled), false);
  });

  it('a damaged table data blob fails the restore with INTEGRITY and leaves no database', async () => {
    const comp = first.components.find((c) => c.type === 'postgres');
    const top = (await repo.loadTree(first.tree)).nodes.find((n) => n.name === comp?.name);
    const dumpNode = (await repo.loadTree(top?.subtree ?? '')).nodes.find((n) => n.name === 'dump');
    const files = (await repo.loadTree(dumpNode?.subtree ?? '')).nodes;
    const biggest = files.reduce((a, b) => ((b.size ?? 0) > (a.size ?? 0) ? b : a));
    const loc = repo.index.get(biggest.content?.at(-1) ?? '');
    assert.ok(loc);
    const fh = await open(join(work, 'repo', packName(loc.pack)), 'r+');
    await fh.write(Buffer.alloc(16, 0xa5), 0, 16, loc.offset + Math.floor(loc.length / 2));
    await fh.close();
    await assert.rejects(restoreDatabase(repo, first, { target: pgProfile(damaged) }), (e) =>
      isAppError(e, 'INTEGRITY'),
    );
    assert.equal(await pgDbExists(damaged), false);
  });
});

describe('rowsInDump', () => {
  const toc = (lines: string[]) => ({
    entries: lines.map((l) => parseTocLine(l)).filter((e): e is TocEntry => e !== undefined),
  });

  it("takes a table's rows from its data file's newlines, less the three that end it", () => {
    const rows = rowsInDump(
      toc([
        '3555; 0 16390 TABLE DATA public clients postgres',
        '3557; 0 16400 TABLE DATA public empty postgres',
        '3558; 0 16410 TABLE DATA public unread postgres',
        '3559; 0 16420 TABLE DATA public short postgres',
        '3401; 1259 16390 TABLE public clients postgres',
      ]),
      new Map([
        ['3555.dat', 403],
        ['3557.dat', 3],
        ['3559.dat', 2],
        ['3401.dat', 99],
      ]),
    );
    assert.deepEqual(Object.fromEntries(rows), { 'public.clients': 400, 'public.empty': 0 });
  });

  it('leaves out a name two entries would share, so the caller counts those tables', () => {
    const rows = rowsInDump(
      toc([
        '10; 0 1 TABLE DATA a b c postgres', // "a b".c
        '11; 0 2 TABLE DATA a b c postgres', // a."b c"
        '12; 0 3 TABLE DATA public t postgres',
      ]),
      new Map([
        ['10.dat', 5],
        ['11.dat', 4],
        ['12.dat', 13],
      ]),
    );
    assert.deepEqual(Object.fromEntries(rows), { 'public.t': 10 });
  });
});
