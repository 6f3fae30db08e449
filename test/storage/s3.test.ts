import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { S3Client } from '@aws-sdk/client-s3';
import { S3Storage } from '../../src/main/storage/s3.js';
import { adminClient, createBucket, dropBucket, s3Options, s3Ready, s3Skip } from './s3-helpers.js';
import { storageSuite } from './suite.js';

describe('S3Storage against radosgw', { skip: s3Skip }, () => {
  let admin: S3Client | undefined;
  let bucket = '';
  before(async () => {
    admin = adminClient();
    bucket = await createBucket(admin, 's3');
  });
  after(async () => {
    if (admin && bucket) await dropBucket(admin, bucket);
    admin?.destroy();
  });

  if (s3Ready) {
    storageSuite(
      's3 (radosgw)',
      async () => {
        const storage = new S3Storage(s3Options(bucket));
        // Objects stay until the bucket is dropped in bulk after the run (1000 per request).
        return { storage, cleanup: () => storage.close() };
      },
      { paging: true },
    );
  }

  it('warns about a plain-http loopback endpoint and names it in the location', () => {
    const warnings: string[] = [];
    const s = new S3Storage(s3Options(bucket, { warn: (m) => warnings.push(m) }));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /plain HTTP/);
    assert.match(s.location, new RegExp(`^s3://${bucket}/run/\\d+ \\(127\\.0\\.0\\.1:\\d+\\)$`));
  });
});
