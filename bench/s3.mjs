#!/usr/bin/env node
// S3 benchmark (issue: cloud storage), side by side in one run against the same radosgw (a real
// S3 server, single-node Ceph started by scripts/services/radosgw.sh): first backup and full
// restore of one dataset, mvono (`s3://…`) vs restic (`s3:http://…`), as ratios.
// memstore holds 2 GiB, so the dataset is small: BENCH_S3_SCALE (default 0.2, ~260 MB).
//   node bench/s3.mjs
import { execFileSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { generate, manifest } from './dataset.mjs';
import { MVONO_BIN, measure, ROOT } from './tools.mjs';

const scale = Number(process.env.BENCH_S3_SCALE ?? 0.2);
const work = join(ROOT, 'bench/.work/s3');
execFileSync(join(ROOT, 'scripts/services/radosgw.sh'), ['start'], { stdio: 'inherit' });
const env = Object.fromEntries(
  execFileSync(join(ROOT, 'scripts/services/radosgw.sh'), ['env'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.split('=')),
);
const endpoint = env.MVONO_TEST_S3_ENDPOINT;
const creds = { accessKeyId: env.MVONO_TEST_S3_ACCESS_KEY, secretAccessKey: env.MVONO_TEST_S3_SECRET_KEY };
const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: creds });
const suffix = Date.now().toString(36);
for (const b of [`bench-mvono-${suffix}`, `bench-restic-${suffix}`])
  await client.send(new CreateBucketCommand({ Bucket: b }));

await rm(work, { recursive: true, force: true });
await mkdir(work, { recursive: true });
const data = join(work, 'data');
console.log(`[bench-s3] generating dataset (scale ${scale}) …`);
await generate(data, scale);
const awsEnv = {
  AWS_ACCESS_KEY_ID: creds.accessKeyId,
  AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
  AWS_REGION: 'us-east-1',
};
const mEnv = {
  ...awsEnv,
  MVONO_BACKUP_REPO: `s3://bench-mvono-${suffix}/repo?region=us-east-1&endpoint=${encodeURIComponent(endpoint)}&pathStyle=1`,
  MVONO_BACKUP_PASSWORD: 'bench',
};
const rEnv = {
  ...awsEnv,
  RESTIC_REPOSITORY: `s3:${endpoint}/bench-restic-${suffix}`,
  RESTIC_PASSWORD: 'bench',
  RESTIC_CACHE_DIR: join(work, 'restic-cache'),
};
await measure('node', [MVONO_BIN, 'init', '--no-keychain', '-q'], { env: mEnv });
await measure('restic', ['init', '-q'], { env: rEnv });
const r = {};
r.mvonoBackup = await measure('node', [MVONO_BIN, 'backup', data, '--no-keychain', '-q'], { env: mEnv });
r.resticBackup = await measure('restic', ['backup', data, '-q'], { env: rEnv });
r.mvonoRestore = await measure(
  'node',
  [MVONO_BIN, 'restore', 'latest', '--target', join(work, 'm-out'), '--no-keychain', '-q'],
  { env: mEnv },
);
r.resticRestore = await measure('restic', ['restore', 'latest', '--target', join(work, 'r-out'), '-q'], {
  env: rEnv,
});
const same =
  JSON.stringify(await manifest(join(work, 'm-out', 'files', ...data.split('/').filter(Boolean)))) ===
  JSON.stringify(await manifest(join(work, 'r-out', ...data.split('/').filter(Boolean))));
const bytes = Number(execFileSync('du', ['-sb', data], { encoding: 'utf8' }).split('\t')[0]);
const mib = (ms) => (bytes / 1048576 / (ms / 1000)).toFixed(1);
console.log(`dataset ${(bytes / 1048576).toFixed(0)} MiB; S3 = radosgw on loopback`);
console.log(
  `backup  mvono ${mib(r.mvonoBackup.wallMs)} MiB/s, restic ${mib(r.resticBackup.wallMs)} MiB/s, throughput ratio ${(r.resticBackup.wallMs / r.mvonoBackup.wallMs).toFixed(2)}`,
);
console.log(
  `restore mvono ${mib(r.mvonoRestore.wallMs)} MiB/s, restic ${mib(r.resticRestore.wallMs)} MiB/s, throughput ratio ${(r.resticRestore.wallMs / r.mvonoRestore.wallMs).toFixed(2)}`,
);
console.log(
  `peak RSS MiB: mvono backup ${(r.mvonoBackup.peakRssKiB / 1024).toFixed(0)}, restic ${(r.resticBackup.peakRssKiB / 1024).toFixed(0)}; restores identical: ${same}`,
);
await mkdir(join(ROOT, 'bench/results'), { recursive: true });
await writeFile(
  join(ROOT, 'bench/results', `s3-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
  JSON.stringify(
    {
      scale,
      bytes,
      restoresIdentical: same,
      wallMs: Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.wallMs])),
    },
    null,
    1,
  ),
);
