#!/usr/bin/env node
// Database benchmark (issue: database backups), side by side in one run on the same database:
//   backup:  mvono `backup --postgres` into a local repository  vs  `pg_dump -Fc` to a local file
//   restore: mvono `restore --db-target` into a new database (pre-data, COPY streams from the
//            repository, post-data with -j 2, then validation against the snapshot's facts)
//            vs  `createdb` + `pg_restore -j 2` (no validation)
// Database: pgbench -i -s 30 (~450 MB) in a fresh database. Not a test: prints ratios, writes
// bench/results/db-<date>.json.   node bench/db.mjs [--scale 30]
import { spawnSync } from 'node:child_process';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { duBytes } from './dataset.mjs';
import { MVONO_BIN, measure, ROOT } from './tools.mjs';

const scale = Number(process.argv[process.argv.indexOf('--scale') + 1]) || 30;
const work = join(ROOT, 'bench/.work/db');
const db = `mvono_bench_${process.pid}`;
const pg = (args, opts = {}) => spawnSync(args[0], args.slice(1), { stdio: 'inherit', ...opts });
const psql = (sql, d = 'postgres') =>
  pg(['psql', '-h', '127.0.0.1', '-U', 'postgres', '-q', '-d', d, '-c', sql]);

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
try {
  await measure('node', [MVONO_BIN, 'init', '--no-keychain', '-q'], { env });
  const results = {};
  results.mvonoBackup = await measure(
    'node',
    [MVONO_BIN, 'backup', '--postgres', uri(db), '--no-keychain', '--json'],
    { env },
  );
  results.pgDump = await measure('pg_dump', [
    '-h',
    '127.0.0.1',
    '-U',
    'postgres',
    '-Fc',
    '-f',
    join(work, 'dump.fc'),
    db,
  ]);
  psql(`DROP DATABASE IF EXISTS ${db}_m`);
  results.mvonoRestore = await measure(
    'node',
    [MVONO_BIN, 'restore', 'latest', '--db-target', uri(`${db}_m`), '--no-keychain', '--json'],
    { env },
  );
  psql(`DROP DATABASE IF EXISTS ${db}_p`);
  // Both restore into a new database, so creating it is timed for both (mvono creates it itself).
  results.pgRestore = await measure('sh', [
    '-c',
    'createdb -h 127.0.0.1 -U postgres "$1" && pg_restore -h 127.0.0.1 -U postgres -j 2 -d "$1" "$2"',
    'restore',
    `${db}_p`,
    join(work, 'dump.fc'),
  ]);
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
        restoreRatio,
        repoBytes: repo,
        dumpBytes: dump,
        wallMs: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.wallMs])),
      },
      null,
      1,
    ),
  );
} finally {
  for (const d of [db, `${db}_m`, `${db}_p`]) psql(`DROP DATABASE IF EXISTS ${d}`);
}
