/**
 * Test settings for the real storage servers, started by scripts/services (npm test does it).
 * Missing settings skip those tests on a developer machine, but FAIL under CI or the test runner
 * (CI / MVONO_TEST set): a suite that silently skips its real servers proves nothing.
 */
import { randomBytes } from 'node:crypto';

export interface S3TestEnv {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

export interface GcsTestEnv {
  emulatorHost: string;
  projectId: string;
}

function missing(what: string, vars: string[]): string {
  const msg =
    `${what} tests need ${vars.join(', ')}; run them through scripts/run-tests.mjs (npm test), ` +
    'which starts the services, or start them with scripts/services and export the variables.';
  if (process.env.CI || process.env.MVONO_TEST) throw new Error(`MISSING TEST SERVICE: ${msg}`);
  return msg;
}

/** The S3 settings, or a skip reason (only outside CI / the test runner). */
export function s3TestEnv(): S3TestEnv | string {
  const e = process.env;
  const vars = ['MVONO_TEST_S3_ENDPOINT', 'MVONO_TEST_S3_ACCESS_KEY', 'MVONO_TEST_S3_SECRET_KEY'];
  if (!e.MVONO_TEST_S3_ENDPOINT || !e.MVONO_TEST_S3_ACCESS_KEY || !e.MVONO_TEST_S3_SECRET_KEY) {
    return missing('S3 (radosgw)', vars);
  }
  return {
    endpoint: e.MVONO_TEST_S3_ENDPOINT,
    accessKeyId: e.MVONO_TEST_S3_ACCESS_KEY,
    secretAccessKey: e.MVONO_TEST_S3_SECRET_KEY,
    region: e.MVONO_TEST_S3_REGION || 'us-east-1',
  };
}

export function gcsTestEnv(): GcsTestEnv | string {
  const e = process.env;
  if (!e.STORAGE_EMULATOR_HOST)
    return missing('GCS (emulator)', ['STORAGE_EMULATOR_HOST', 'MVONO_TEST_GCS_PROJECT']);
  return { emulatorHost: e.STORAGE_EMULATOR_HOST, projectId: e.MVONO_TEST_GCS_PROJECT || 'demo-test' };
}

/** A bucket name unique to this run: "mvono-<what>-<hex>". */
export function uniqueBucket(what: string): string {
  return `mvono-${what}-${randomBytes(5).toString('hex')}`;
}
