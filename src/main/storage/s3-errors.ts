/**
 * Maps AWS SDK v3 / network errors from S3 and S3-compatible servers to StorageErrors.
 * Only error *codes* (e.g. "AccessDenied") go into messages, never the SDK's message text or the
 * request: credentials never appear. The original error is kept as `cause` (never serialised).
 */
import { StorageError } from './errors.js';
import { cancelledError } from './util.js';

export interface S3ErrorContext {
  /** What we were doing, e.g. "read". */
  op: string;
  bucket: string;
  /** s3://bucket/key for messages. */
  where: string;
  region: string;
  endpoint: string | undefined;
}

interface SdkErrorShape {
  name?: string;
  code?: string;
  Code?: string;
  Region?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
  cause?: unknown;
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

const TRANSIENT_NAMES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'InternalError',
  'ServiceUnavailable',
  'ConditionalRequestConflict',
  'OperationAborted',
]);

const PERMISSION_NAMES = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'AllAccessDisabled',
  'AccountProblem',
  'InvalidToken',
  'ExpiredToken',
  'TokenRefreshRequired',
  'Forbidden',
]);

function shape(e: unknown): SdkErrorShape {
  return typeof e === 'object' && e !== null ? (e as SdkErrorShape) : {};
}

/** The network errno of an error or its causes (the SDK wraps socket errors). */
export function networkCode(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 4; depth++) {
    const s = shape(cur);
    if (typeof s.code === 'string' && NETWORK_CODES.has(s.code)) return s.code;
    cur = s.cause;
  }
  return undefined;
}

export function mapS3Error(e: unknown, ctx: S3ErrorContext, signal?: AbortSignal): StorageError {
  if (e instanceof StorageError) return e;
  if (signal?.aborted) return cancelledError();
  const s = shape(e);
  const status = s.$metadata?.httpStatusCode;
  const rawName = s.Code ?? s.name ?? 'Unknown';
  // HEAD responses have no body: the SDK names them "Unknown"/"NotFound"/"Forbidden" by status.
  const name = rawName === 'Unknown' && status !== undefined ? `HTTP ${status}` : rawName;
  const opts = { cause: e };
  const via = ctx.endpoint ? ` at ${ctx.endpoint}` : '';
  if (name === 'AbortError') return cancelledError();
  if (
    name === 'CredentialsProviderError' ||
    (e instanceof Error && /credential object is not valid/i.test(e.message))
  ) {
    return new StorageError('CONFIG', `No usable S3 credentials were found for bucket "${ctx.bucket}".`, {
      ...opts,
      hint:
        'Store access keys in the keychain and add credentials=<entry> to the location, or provide them ' +
        'through the AWS environment variables, a profile (AWS_PROFILE) or an instance role.',
    });
  }
  if (name === 'NoSuchBucket') {
    return new StorageError(
      'CONFIG',
      `S3 bucket "${ctx.bucket}" does not exist${via} (${ctx.op} ${ctx.where}).`,
      {
        ...opts,
        hint: `Create the bucket "${ctx.bucket}" or correct the bucket name in the storage location.`,
      },
    );
  }
  if (name === 'NoSuchKey' || (status === 404 && name === 'NotFound')) {
    return new StorageError('NOT_FOUND', `${ctx.where} does not exist.`, opts);
  }
  if (name === 'PermanentRedirect' || name === 'IllegalLocationConstraintException' || status === 301) {
    const actual = s.Region ?? s.$response?.headers?.['x-amz-bucket-region'];
    return new StorageError(
      'CONFIG',
      `S3 bucket "${ctx.bucket}" is not in region ${ctx.region}` +
        (actual ? `; it is in ${actual}.` : '; it lives in another region.'),
      { ...opts, hint: `Set region=${actual ?? '<the bucket region>'} in the storage location.` },
    );
  }
  if (name === 'AuthorizationHeaderMalformed') {
    return new StorageError(
      'CONFIG',
      `S3 rejected the request for bucket "${ctx.bucket}" signed for region ${ctx.region} (${name}).`,
      { ...opts, hint: "Set region= in the storage location to the bucket's region." },
    );
  }
  if (name === 'RequestTimeTooSkewed') {
    return new StorageError(
      'CONFIG',
      `S3 rejected the request for bucket "${ctx.bucket}": this computer's clock differs too much from the server's.`,
      { ...opts, hint: 'Synchronise the system clock (enable NTP / time sync), then retry.' },
    );
  }
  if (PERMISSION_NAMES.has(name) || status === 403) {
    return new StorageError(
      'PERMISSION_DENIED',
      `S3 denied ${ctx.op} on ${ctx.where} in bucket "${ctx.bucket}" (${name}).`,
      {
        ...opts,
        hint:
          'Check the access key id and secret key stored for this location, and that its IAM/bucket policy ' +
          `allows s3:GetObject, s3:PutObject, s3:DeleteObject and s3:ListBucket on "${ctx.bucket}".`,
      },
    );
  }
  if (name === 'InvalidBucketName') {
    return new StorageError('CONFIG', `"${ctx.bucket}" is not a valid S3 bucket name.`, opts);
  }
  if (
    name.startsWith('KMS.') ||
    name === 'KMSNotFoundException' ||
    name === 'InvalidEncryptionAlgorithmError'
  ) {
    return new StorageError(
      'CONFIG',
      `S3 could not use the encryption key for bucket "${ctx.bucket}" (${name}).`,
      {
        ...opts,
        hint: 'Check kmsKeyId in the storage location and that the key policy lets this identity use it.',
      },
    );
  }
  if (name === 'BadDigest' || name === 'InvalidDigest' || name === 'XAmzContentSHA256Mismatch') {
    return new StorageError(
      'INTEGRITY',
      `S3 reported corrupted bytes while ${ctx.op} ${ctx.where} (${name}).`,
      opts,
    );
  }
  const net = networkCode(e);
  if (
    TRANSIENT_NAMES.has(name) ||
    net !== undefined ||
    (status !== undefined && (status >= 500 || status === 429))
  ) {
    const why = net ?? (status !== undefined ? `${name}, HTTP ${status}` : name);
    return new StorageError('TRANSIENT', `S3 ${ctx.op} of ${ctx.where} failed temporarily (${why})${via}.`, {
      ...opts,
      hint:
        net === 'ECONNREFUSED' || net === 'ENOTFOUND'
          ? `Check that the S3 endpoint${via || ' '} is reachable and correct.`
          : 'The service or network is busy or flaky; the operation is retried automatically.',
    });
  }
  return new StorageError(
    'INTERNAL',
    `S3 ${ctx.op} of ${ctx.where} failed (${name}${status ? `, HTTP ${status}` : ''}).`,
    opts,
  );
}
