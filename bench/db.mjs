#!/usr/bin/env node
// Database benchmark (issue: database backups), side by side in one run on the same database:
//   backup:  mvono `backup --postgres` into a local repository  vs  `pg_dump -Fc` to a local file
//   restore: mvono `restore --db-target` into a new database (pre-data, COPY streams from the
//            repository, post-data with -j 2, then validation against the snapshot's facts)
//            vs  `createdb` + `pg_restore -j 2` (no validation)
// Database: pgbench -i -s 30 (~450 MB) in a fresh database. Not a test: prints ratios, writes
// bench/results/db-<date>.json. Each phase runs --reps times (default 5, order alternating), and
// the medians are reported. Before every timed run the server checkpoints and the kernel writes
// back dirty pages, so no run pays for the writes of the one before (a restore leaves ~1 GB of
// table and WAL pages behind).   node bench/db.mjs [--scale 30] [--reps 5]
import { spawnSync } from 'node:child_process';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { duBytes } from './dataset.mjs';
import { MVONO_BIN, measure, ROOT } from './tools.mjs';

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
psql(`CREATE DATABASE ${db}`);
console.log(`[bench-db] pgbench -i -s ${scale} …`);
pg(['pgbench', '-h', '127.0.0.1', '-U', 'postgres', '-i', '-q', '-s', String(scale), db]);
const size = spawnSync(
  'psql',
  ['-h', '127.0.0.1', '-U', 'postgres', '-At', '-c', `select pg_database_size('${db}')`],
  { encoding: 'utf8' },
).stdout.trim();
const env = { MVONO_BACKUP_REPO: join(work, 'repo'), MVONO_BACKUP_PASSWORD: 'bench' };
const uri = (d) => `postgres://postgres@127.0.0.1:5432/${d}`;
/** Runs both, in an order that alternates per repetition, each result into its list. */
async function alternately(rep, [runsA, a], [runsB, b]) {
  const [first, second] =
    rep % 2 === 0
      ? [
          [runsA, a],
          [runsB, b],
        ]
      : [
          [runsB, b],
          [runsA, a],
        ];
  first[0].push(await first[1]());
  second[0].push(await second[1]());
}
/** The run with the median wall time of several (each run is kept in the result file). */
const median = (runs) => [...runs].sort((x, y) => x.wallMs - y.wallMs)[Math.floor(runs.length / 2)];
try {
  const runs = { mvonoBackup: [], pgDump: [], pgDumpDir: [], mvonoRestore: [], pgRestore: [] };
  for (let rep = 0; rep < reps; rep++) {
    // Each backup goes into an empty repository (a first backup, as pg_dump's file is a whole dump).
    await rm(join(work, 'repo'), { recursive: true, force: true });
    await rm(join(work, 'dump.d'), { recursive: true, force: true });
    await measure('node', [MVONO_BIN, 'init', '--no-keychain', '-q'], { env });
    const mvono = () =>
      timed('node', [MVONO_BIN, 'backup', '--postgres', uri(db), '--no-keychain', '--json'], { env });
    const pgDump = () =>
      timed('pg_dump', ['-h', '127.0.0.1', '-U', 'postgres', '-Fc', '-f', join(work, 'dump.fc'), db]);
    await alternately(rep, [runs.mvonoBackup, mvono], [runs.pgDump, pgDump]);
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
    psql(`DROP DATABASE IF EXISTS ${db}_m`);
    psql(`DROP DATABASE IF EXISTS ${db}_p`);
    const mvono = () =>
      timed(
        'node',
        [MVONO_BIN, 'restore', 'latest', '--db-target', uri(`${db}_m`), '--no-keychain', '--json'],
        { env },
      );
    // Both restore into a new database, so creating it is timed for both (mvono creates it itself).
    const peer = () =>
      timed('sh', [
        '-c',
        'createdb -h 127.0.0.1 -U postgres "$1" && pg_restore -h 127.0.0.1 -U postgres -j 2 -d "$1" "$2"',
        'restore',
        `${db}_p`,
        join(work, 'dump.fc'),
      ]);
    await alternately(rep, [runs.mvonoRestore, mvono], [runs.pgRestore, peer]);
  }
  const results = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, median(v)]));
  const row = (label, a, b) => {
    const r = a.wallMs / b.wallMs;
    console.log(
      `${label.padEnd(34)} ${(a.wallMs / 1000).toFixed(2).padStart(7)} ${(b.wallMs / 1000).toFixed(2).padStart(7)} ${r.toFixed(2).padStart(7)}`,
    );
    return r;
  };
  console.log(`database ${db}: ${(Number(size) / 1048576).toFixed(0)} MiB (pgbench scale ${scale})`);
  console.log(`${'phase (wall s)'.padEnd(34)}   mvono    peer   ratio`);
  const backupRatio = row('backup: mvono vs pg_dump -Fc', results.mvonoBackup, results.pgDump);
  const floorRatio = row('  (pg_dump -Fd -Z0 -j2 alone vs -Fc)', results.pgDumpDir, results.pgDump);
  const restoreRatio = row('restore: mvono vs pg_restore -j 2', results.mvonoRestore, results.pgRestore);
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
        dirFormatAloneRatio: floorRatio,
        restoreRatio,
        repoBytes: repo,
        dumpBytes: dump,
        reps,
        wallMs: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.wallMs])),
        runsWallMs: Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, v.map((r) => r.wallMs)])),
      },
      null,
      1,
    ),
  );
} finally {
  for (const d of [db, `${db}_m`, `${db}_p`]) psql(`DROP DATABASE IF EXISTS ${d}`);
}
