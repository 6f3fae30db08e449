/** Shared setup for the S3 tests against radosgw: client, options, bucket lifecycle. */
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { S3StorageOptions } from '../../src/main/storage/s3.js';
import { type S3TestEnv, s3TestEnv, uniqueBucket } from './service-env.js';

export const s3Env = s3TestEnv();
export const s3Ready = typeof s3Env !== 'string';
export const s3Skip: string | false = typeof s3Env === 'string' ? s3Env : false;

function env(): S3TestEnv {
  if (typeof s3Env === 'string') throw new Error(s3Env);
  return s3Env;
}

let n = 0;
export function s3Options(bucket: string, extra: Partial<S3StorageOptions> = {}): S3StorageOptions {
  const e = env();
  return {
    bucket,
    prefix: `run/${n++}`,
    region: e.region,
    endpoint: e.endpoint,
    credentials: { accessKeyId: e.accessKeyId, secretAccessKey: e.secretAccessKey },
    warn: () => {},
    ...extra,
  };
}

export function adminClient(): S3Client {
  const e = env();
  return new S3Client({
    region: e.region,
    endpoint: e.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: e.accessKeyId, secretAccessKey: e.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export async function createBucket(client: S3Client, what: string, lock = false): Promise<string> {
  const name = uniqueBucket(what);
  await client.send(new CreateBucketCommand({ Bucket: name, ObjectLockEnabledForBucket: lock || undefined }));
  return name;
}

/** Deletes every object version in a bucket, then the bucket. */
export async function dropBucket(client: S3Client, name: string): Promise<void> {
  for (;;) {
    const page = await client.send(new ListObjectVersionsCommand({ Bucket: name }));
    const ids = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({
      Key: v.Key,
      VersionId: v.VersionId,
    }));
    if (ids.length === 0) break;
    await client.send(
      new DeleteObjectsCommand({ Bucket: name, Delete: { Objects: ids }, BypassGovernanceRetention: true }),
    );
  }
  await client.send(new DeleteBucketCommand({ Bucket: name }));
}
