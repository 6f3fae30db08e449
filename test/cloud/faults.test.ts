/**
 * Faults injected during upload to the real S3 server (radosgw): a backup that fails never leaves a
 * visible partial snapshot; transient faults are retried; after the fault clears the next run
 * succeeds and `check` passes.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { backup } from '../../src/main/engine/backup/backup.js';
import { check } from '../../src/main/engine/check/check.js';
import { prune } from '../../src/main/engine/prune/prune.js';
import { StorageError } from '../../src/main/storage/errors.js';
import { RetryingStorage } from '../../src/main/storage/retry.js';
import { S3Storage } from '../../src/main/storage/s3.js';
import { adminClient, createBucket, s3Options, s3Skip } from '../storage/s3-helpers.js';
import { FaultyStorage } from '../support/faulty-storage.js';
import { prng, randomBytesFrom } from '../support/fs-tree.js';
import { initRepo, openRepo } from '../support/repo.js';

describe('faults during upload to S3', { skip: s3Skip }, () => {
  let dir: string;
  let bucket: string;
  const comp = () => [{ type: 'files' as const, name: 'files', paths: [join(dir, 'src')] }];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mvono-faults-'));
    const r = prng(8);
    await mkdir(join(dir, 'src'));
    for (let i = 0; i < 12; i++) await writeFile(join(dir, 'src', `f${i}`), randomBytesFrom(r, 3_000_000));
    bucket = await createBucket(adminClient(), 'faults');
    await initRepo(new S3Storage(s3Options(bucket, { prefix: 'repo' })));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('a permanent failure mid-backup leaves no visible snapshot; the next run succeeds', async () => {
    const s3 = new S3Storage(s3Options(bucket, { prefix: 'repo' }));
    const faulty = new FaultyStorage(s3, [
      {
        methods: ['put'],
        name: (n) => n.startsWith('data/'),
        skip: 1,
        times: 1,
        fault: {
          kind: 'error',
          make: () => new StorageError('PERMISSION_DENIED', 'injected: access denied'),
        },
      },
    ]);
    const repo = await openRepo(faulty);
    await assert.rejects(backup(repo, { components: comp() }), /injected: access denied/);
    assert.equal((await repo.listSnapshots()).length, 0, 'no partial snapshot is visible');
    await repo.close();
    const clean = await openRepo(s3);
    const ok = await backup(clean, { components: comp() });
    assert.equal(ok.snapshot.summary.files, 12);
    const report = await check(clean, { readDataPercent: 100 });
    assert.equal(report.ok, true);
    await prune(clean);
    assert.equal((await check(clean)).orphanPacks, 0);
    await clean.close();
  });

  it('transient faults (reset, 503, lost response, slow, timeout) are retried and the snapshot is complete', async () => {
    const s3 = new S3Storage(s3Options(bucket, { prefix: 'repo' }));
    const faulty = new FaultyStorage(s3, [
      { methods: ['put'], name: (n) => n.startsWith('data/'), times: 1, fault: { kind: 'reset' } },
      {
        methods: ['put'],
        name: (n) => n.startsWith('data/'),
        skip: 1,
        times: 1,
        fault: { kind: 'transient' },
      },
      { methods: ['put'], name: (n) => n.startsWith('index/'), times: 1, fault: { kind: 'lost-response' } },
      { methods: ['get'], times: 1, fault: { kind: 'delay', ms: 300 } },
      {
        methods: ['put'],
        name: (n) => n.startsWith('snapshots/'),
        times: 1,
        fault: { kind: 'timeout', ms: 50 },
      },
    ]);
    const retrying = new RetryingStorage(faulty, { baseDelayMs: 10, maxDelayMs: 50 });
    await writeFile(join(dir, 'src', 'new'), randomBytesFrom(prng(77), 2_000_000));
    const repo = await openRepo(retrying);
    const before = (await repo.listSnapshots()).length;
    const res = await backup(repo, { components: comp() });
    assert.equal((await repo.listSnapshots()).length, before + 1);
    assert.ok(faulty.log.some((l) => l.startsWith('fault:reset')));
    assert.ok(faulty.log.some((l) => l.startsWith('fault:lost-response')));
    const report = await check(repo, { readDataPercent: 100 });
    assert.equal(report.ok, true, JSON.stringify(report.problems));
    assert.equal(res.snapshot.summary.files, 13);
    await repo.close();
  });
});
