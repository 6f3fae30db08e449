#!/usr/bin/env node
// Database benchmark (issue: database backups), side by side in one run on the same database:
//   backup:  mvono `backup --postgres` into a local repository  vs  `pg_dump -Fc` to a local file
//            (for reference: `pg_dump -Fc -Z0 | restic backup --stdin`, when restic is installed)
//   restore: mvono `restore --db-target` into a new database (pre-data, COPY streams from the
//            repository, post-data with -j 2, then validation against the snapshot's facts)
//            vs  `createdb` + `pg_restore -j 2` (no validation)
// mvono runs twice per repetition: unlocking its repository with a passphrase (scrypt, the stricter
// case) and with the OS keychain key (the product's default; no KDF). Without a D-Bus session the
// script runs itself under scripts/with-keyring.sh, as the test runner does.
// Database: the project's test database (the consultancy's management system the tests build:
// views, functions, triggers, a partitioned table, ~40k rows) plus pgbench -i -s 30 (~450 MB) in
// it. Not a test: prints ratios, writes bench/results/db-<date>.json. Each phase runs --reps times
// (default 5, order alternating), and the medians are reported. Before every timed run the server checkpoints and the kernel writes
// back dirty pages, so no run pays for the writes of the one before (a restore leaves ~1 GB of
// table and WAL pages behind). It also prints each median run's CPU: the tool's own (mvono with
// the pg_dump it runs) and the whole machine's (the server's included), which bounds a run from
// below once every core is busy.   node bench/db.mjs [--scale 30] [--reps 5]
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { buildPgMgmtDb } from '../dist/test/support/mgmt-db.js';
import { duBytes } from './dataset.mjs';
import { MVONO_BIN, measure, ROOT } from './tools.mjs';

if (!process.env.DBUS_SESSION_BUS_ADDRESS) {
  const keyring = join(ROOT, 'bench/.work/keyring-db');
  await rm(keyring, { recursive: true, force: true });
  mkdirSync(keyring, { recursive: true, mode: 0o700 });
  const child = spawn(join(ROOT, 'scripts/with-keyring.sh'), [process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, MVONO_KEYRING_DIR: keyring },
  });
  child.on('exit', (code, sig) => process.exit(code ?? (sig ? 1 : 0)));
  await new Promise(() => {}); // the run continues in the child
}

const scale = Number(process.argv[process.argv.indexOf('--scale') + 1]) || 30;
const reps = Number(process.argv[process.argv.indexOf('--reps') + 1]) || 5;
const work = join(ROOT, 'bench/.work/db');
const db = `mvono_bench_${process.pid}`;
const pg = (args, opts = {}) => spawnSync(args[0], args.slice(1), { stdio: 'inherit', ...opts });
const psql = (sql, d = 'postgres') =>
  pg(['psql', '-h', '127.0.0.1', '-U', 'postgres', '-q', '-d', d, '-c', sql]);
/**
 * A timed run, after the server's dirty buffers and the page cache's dirty pages are written out,
 * so no run pays for the writes of the one before.
 */
const timed = (cmd, args, opts) => {
  psql('CHECKPOINT');
  spawnSync('sync');
  return measure(cmd, args, opts);
};

await rm(work, { recursive: true, force: true });
await mkdir(work, { recursive: true });
psql(`DROP DATABASE IF EXISTS ${db}`);
console.log('[bench-db] the test database (test/support/mgmt-db.ts) …');
await buildPgMgmtDb(db);
console.log(`[bench-db] pgbench -i -s ${scale} …`);
pg(['pgbench', '-h', '127.0.0.1', '-U', 'postgres', '-i', '-q', '-s', String(scale), db]);
const size = spawnSync(
  'psql',
  ['-h', '127.0.0.1', '-U', 'postgres', '-At', '-c', `select pg_database_size('${db}')`],
  { encoding: 'utf8' },
).stdout.trim();
const env = { MVONO_BACKUP_REPO: join(work, 'repo'), MVONO_BACKUP_PASSWORD: 'bench' };
// The keychain repository: no passphrase anywhere in its environment.
const envKc = { MVONO_BACKUP_REPO: join(work, 'repo-kc'), MVONO_BACKUP_PASSWORD: '' };
const uri = (d) => `postgres://postgres@127.0.0.1:5432/${d}`;
const restic = spawnSync('restic', ['version']).status === 0;
const resticEnv = {
  RESTIC_REPOSITORY: join(work, 'restic-repo'),
  RESTIC_PASSWORD: 'bench',
  RESTIC_CACHE_DIR: join(work, 'restic-cache'),
};
/** Runs each of [runs, fn] in an order that reverses every repetition, each result into its list. */
async function alternately(rep, ...pairs) {
  for (const [runs, fn] of rep % 2 === 0 ? pairs : [...pairs].reverse()) runs.push(await fn());
}
/** The run with the median wall time of several (each run is kept in the result file). */
const median = (runs) => [...runs].sort((x, y) => x.wallMs - y.wallMs)[Math.floor(runs.length / 2)];
try {
  const runs = {
    mvonoBackup: [],
    mvonoBackupKeychain: [],
    pgDump: [],
    pgDumpDir: [],
    resticPipe: [],
    mvonoRestore: [],
    mvonoRestoreKeychain: [],
    pgRestore: [],
  };
  for (let rep = 0; rep < reps; rep++) {
    // Each backup goes into an empty repository (a first backup, as pg_dump's file is a whole dump).
    for (const r of ['repo', 'repo-kc', 'dump.d']) await rm(join(work, r), { recursive: true, force: true });
    await measure('node', [MVONO_BIN, 'init', '--no-keychain', '-q'], { env });
    await measure('node', [MVONO_BIN, 'init', '-q'], { env: envKc });
    const mvono = () =>
      timed('node', [MVONO_BIN, 'backup', '--postgres', uri(db), '--no-keychain', '--json'], { env });
    const mvonoKc = () =>
      timed('node', [MVONO_BIN, 'backup', '--postgres', uri(db), '--json'], { env: envKc });
    const pgDump = () =>
      timed('pg_dump', ['-h', '127.0.0.1', '-U', 'postgres', '-Fc', '-f', join(work, 'dump.fc'), db]);
    await alternately(
      rep,
      [runs.mvonoBackup, mvono],
      [runs.pgDump, pgDump],
      [runs.mvonoBackupKeychain, mvonoKc],
    );
    // A deduplicating, encrypting peer storing the same database the simplest way: pg_dump's
    // uncompressed custom format piped into restic (0.14, zstd on). Shown beside pg_dump -Fc.
    if (restic) {
      await rm(join(work, 'restic-repo'), { recursive: true, force: true });
      await measure('restic', ['init', '-q'], { env: resticEnv });
      runs.resticPipe.push(
        await timed(
          'sh',
          [
            '-c',
            'pg_dump -h 127.0.0.1 -U postgres -Fc -Z0 "$1" | restic backup -q --stdin --stdin-filename db.dump',
            'pipe',
            db,
          ],
          { env: resticEnv },
        ),
      );
    }
    // Not a peer: the dump format the procedure asks for (-Fd -Z0, parallel), on its own, into a
    // directory. A backup that stores this dump cannot take less time than it; shown for reference.
    runs.pgDumpDir.push(
      await timed('pg_dump', [
        '-h',
        '127.0.0.1',
        '-U',
        'postgres',
        '-Fd',
        '-Z0',
        '-j2',
        '--no-sync',
        '-f',
        join(work, 'dump.d'),
        db,
      ]),
    );
  }
  for (let rep = 0; rep < reps; rep++) {
    for (const d of ['m', 'k', 'p']) psql(`DROP DATABASE IF EXISTS ${db}_${d}`);
    const mvono = () =>
      timed(
        'node',
        [MVONO_BIN, 'restore', 'latest', '--db-target', uri(`${db}_m`), '--no-keychain', '--json'],
        { env },
      );
    const mvonoKc = () =>
      timed('node', [MVONO_BIN, 'restore', 'latest', '--db-target', uri(`${db}_k`), '--json'], {
        env: envKc,
      });
    // Both restore into a new database, so creating it is timed for both (mvono creates it itself).
    const peer = () =>
      timed('sh', [
        '-c',
        'createdb -h 127.0.0.1 -U postgres "$1" && pg_restore -h 127.0.0.1 -U postgres -j 2 -d "$1" "$2"',
        'restore',
        `${db}_p`,
        join(work, 'dump.fc'),
      ]);
    await alternately(
      rep,
      [runs.mvonoRestore, mvono],
      [runs.pgRestore, peer],
      [runs.mvonoRestoreKeychain, mvonoKc],
    );
  }
  const results = Object.fromEntries(
    Object.entries(runs)
      .filter(([, v]) => v.length > 0)
      .map(([k, v]) => [k, median(v)]),
  );
  const row = (label, a, b) => {
    const r = a.wallMs / b.wallMs;
    console.log(
      `${label.padEnd(46)} ${(a.wallMs / 1000).toFixed(2).padStart(7)} ${(b.wallMs / 1000).toFixed(2).padStart(7)} ${r.toFixed(2).padStart(7)}`,
    );
    return r;
  };
  console.log(`database ${db}: ${(Number(size) / 1048576).toFixed(0)} MiB (pgbench scale ${scale})`);
  console.log(`${'phase (wall s)'.padEnd(46)}   mvono    peer   ratio`);
  const backupRatio = row('backup: mvono (passphrase) vs pg_dump -Fc', results.mvonoBackup, results.pgDump);
  const backupRatioKeychain = row(
    '  mvono (keychain key, the default)',
    results.mvonoBackupKeychain,
    results.pgDump,
  );
  const floorRatio = row('  (pg_dump -Fd -Z0 -j2 alone vs -Fc)', results.pgDumpDir, results.pgDump);
  const resticRatio = restic
    ? row('  (pg_dump -Fc -Z0 | restic --stdin vs -Fc)', results.resticPipe, results.pgDump)
    : null;
  if (!restic) console.log('  (restic is not installed: its pipe is not measured)');
  const restoreRatio = row(
    'restore: mvono (passphrase) vs pg_restore -j 2',
    results.mvonoRestore,
    results.pgRestore,
  );
  const restoreRatioKeychain = row(
    '  mvono (keychain key, the default)',
    results.mvonoRestoreKeychain,
    results.pgRestore,
  );
  // Where the time goes on this machine: each tool's own CPU (with its children: pg_dump under
  // mvono) and the whole machine's (the database server included), for the median runs. With the
  // machine's cores all busy, a run cannot take less than machine CPU / cores.
  const cores = availableParallelism();
  const cpuRow = (label, r) =>
    console.log(
      `${label.padEnd(46)} ${(r.wallMs / 1000).toFixed(2).padStart(7)} ${(r.cpuSec ?? Number.NaN).toFixed(2).padStart(7)} ${(r.machineCpuSec ?? Number.NaN).toFixed(2).padStart(8)} ${((r.machineCpuSec ?? Number.NaN) / cores).toFixed(2).padStart(8)}`,
    );
  console.log(`${'CPU (s), median runs'.padEnd(46)}    wall    tool  machine  /${cores} cores`);
  cpuRow('mvono backup (passphrase)', results.mvonoBackup);
  cpuRow('mvono backup (keychain key)', results.mvonoBackupKeychain);
  cpuRow('pg_dump -Fc', results.pgDump);
  cpuRow('pg_dump -Fd -Z0 -j2', results.pgDumpDir);
  if (restic) cpuRow('pg_dump -Fc -Z0 | restic backup --stdin', results.resticPipe);
  cpuRow('mvono restore (passphrase)', results.mvonoRestore);
  cpuRow('mvono restore (keychain key)', results.mvonoRestoreKeychain);
  cpuRow('createdb + pg_restore -j 2', results.pgRestore);
  const repo = (await duBytes(join(work, 'repo'))).apparent ?? 0;
  const dump = (await stat(join(work, 'dump.fc'))).size;
  console.log(
    `repository ${(repo / 1048576).toFixed(1)} MiB vs pg_dump -Fc file ${(dump / 1048576).toFixed(1)} MiB (ratio ${(repo / dump).toFixed(2)})`,
  );
  console.log(
    `peak RSS MiB: mvono backup ${(results.mvonoBackup.peakRssKiB / 1024).toFixed(0)}, pg_dump ${(results.pgDump.peakRssKiB / 1024).toFixed(0)}, mvono restore ${(results.mvonoRestore.peakRssKiB / 1024).toFixed(0)}, pg_restore ${(results.pgRestore.peakRssKiB / 1024).toFixed(0)}`,
  );
  await mkdir(join(ROOT, 'bench/results'), { recursive: true });
  await writeFile(
    join(ROOT, 'bench/results', `db-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
    JSON.stringify(
      {
        scale,
        databaseBytes: Number(size),
        backupRatio,
        backupRatioKeychain,
        dirFormatAloneRatio: floorRatio,
        resticPipeRatio: resticRatio,
        restoreRatio,
        restoreRatioKeychain,
        repoBytes: repo,
        dumpBytes: dump,
        reps,
        wallMs: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.wallMs])),
        cores,
        cpuSec: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.cpuSec])),
        machineCpuSec: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.machineCpuSec])),
        runsWallMs: Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, v.map((r) => r.wallMs)])),
      },
      null,
      1,
    ),
  );
} finally {
  for (const d of [db, `${db}_m`, `${db}_k`, `${db}_p`]) psql(`DROP DATABASE IF EXISTS ${d}`);
}
