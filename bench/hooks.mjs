// Extension points for benchmarks not wired into run.mjs yet. Each returns the same adapter shape
// as tools.mjs ({ name, check, reset, init, backup, restore, repoSize }) or a phase result, so
// run.mjs can add them as columns/rows without changing its table code.
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { measure, resticTool } from './tools.mjs';

/**
 * restic against an S3 server (e.g. the radosgw from shared/recipes on 127.0.0.1:7480).
 * opts: { endpoint: 'http://127.0.0.1:7480', bucket, accessKeyId, secretAccessKey, work }.
 * Repository size: sum of object sizes under the bucket, via `restic stats --mode raw-data` is
 * not the same thing; use the S3 listing (TODO: the AWS SDK ListObjectsV2 sum) when wiring this in.
 */
export function resticS3(opts) {
  const env = {
    RESTIC_REPOSITORY: `s3:${opts.endpoint}/${opts.bucket}`,
    RESTIC_PASSWORD: 'bench-password',
    RESTIC_CACHE_DIR: join(opts.work, 'restic-s3-cache'),
    AWS_ACCESS_KEY_ID: opts.accessKeyId,
    AWS_SECRET_ACCESS_KEY: opts.secretAccessKey,
  };
  return resticTool({
    name: 'restic-s3',
    env,
    repoSize: async () => ({ apparent: null, disk: null }),
    reset: async () => {
      throw new Error('resticS3: empty the bucket before a run (not implemented yet)');
    },
  });
}

/**
 * mvono against the same S3 server. The CLI takes --repo s3://bucket/prefix; the endpoint and
 * credentials come from the storage target configuration (TODO: confirm env names with the lead).
 */
export function mvonoS3(_opts) {
  throw new Error('mvonoS3: not wired yet (needs the CLI S3 endpoint/credential options)');
}

/**
 * Database benchmark: `pg_dump -Fc` (custom format, compressed) of `database` against the time and
 * size of mvono's `backup --postgres <uri>` of the same database (directory dump, deduplicated).
 * Returns { pgDump: { wallMs, bytes, peakRssKiB } }; the mvono side is left for when the CLI's
 * database backup is in place: call tools.mvonoLocal(work) and run `backup --postgres <uri> --json`.
 */
export async function benchPgDump({ database, work, host = '127.0.0.1', user = 'postgres' }) {
  const out = join(work, `${database}.dump`);
  const r = await measure('pg_dump', ['-Fc', '-h', host, '-U', user, '-f', out, database], {
    label: 'pg_dump',
  });
  return { pgDump: { wallMs: r.wallMs, bytes: (await stat(out)).size, peakRssKiB: r.peakRssKiB } };
}

/** Helper for DB benchmarks: creates and fills a scratch database with pgbench (scale ~15 MB/unit). */
export function pgbenchInit({ database, scale = 10, host = '127.0.0.1', user = 'postgres' }) {
  return new Promise((resolve, reject) => {
    const p = spawn('pgbench', ['-i', '-s', String(scale), '-h', host, '-U', user, database], {
      stdio: 'inherit',
    });
    p.on('error', reject);
    p.on('close', (c) => (c === 0 ? resolve() : reject(new Error(`pgbench -i exited with ${c}`))));
  });
}
