/**
 * Maps what the AWS SDK throws for a KMS call to an AppError an operator can act on.
 * Works on the error's shape (`name`, `$fault`, `$metadata`, `code`), so it needs no SDK import.
 * Never copies credentials into a message: the AWS message is included only after redaction.
 */
import { AppError, type ErrorCode, toAppError } from '../../platform/errors.js';

export type KmsOperation =
  | 'GenerateDataKey'
  | 'Decrypt'
  | 'ReEncrypt'
  | 'DescribeKey'
  | 'GetKeyRotationStatus'
  | 'EnableKeyRotation';

export class KmsError extends AppError {
  /** True for KMS_UNAVAILABLE: the same call may succeed later. */
  readonly retryable: boolean;
  /** The AWS exception name (e.g. AccessDeniedException), for logs and tests. */
  readonly awsName: string | undefined;
  constructor(
    code: ErrorCode,
    message: string,
    opts: { hint?: string; cause?: unknown; awsName?: string } = {},
  ) {
    super(code, message, opts);
    this.name = 'KmsError';
    this.retryable = code === 'KMS_UNAVAILABLE';
    this.awsName = opts.awsName;
  }
}

export interface KmsCallSite {
  operation: KmsOperation;
  keyId: string;
  region: string;
}

const IAM_ACTIONS: Record<KmsOperation, string> = {
  GenerateDataKey: 'kms:GenerateDataKey',
  Decrypt: 'kms:Decrypt',
  ReEncrypt: 'kms:ReEncryptFrom and kms:ReEncryptTo',
  DescribeKey: 'kms:DescribeKey',
  GetKeyRotationStatus: 'kms:GetKeyRotationStatus',
  EnableKeyRotation: 'kms:EnableKeyRotation',
};

const AUTH = new Set([
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'ExpiredToken',
  'InvalidClientTokenId',
  'MissingAuthenticationTokenException',
  'IncompleteSignatureException',
  'CredentialsProviderError',
]);
const KEY_STATE = new Set(['DisabledException', 'KMSInvalidStateException', 'KeyUnavailableException']);
const UNAVAILABLE = new Set([
  'KMSInternalException',
  'DependencyTimeoutException',
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
]);

export const RECOVERY_HINT =
  'This is usually temporary: retry later. To restore now without KMS, open the repository with ' +
  'its recovery key (or another key slot such as the keychain).';

interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** Removes anything that looks like an AWS access key id, secret key or session token. */
export function redact(text: string): string {
  return text
    .replace(/\b(AKIA|ASIA|AIDA|AROA|ANPA|AGPA)[A-Z0-9]{12,}\b/g, '[access key id]')
    .replace(/[A-Za-z0-9+/=]{32,}/g, '[redacted]')
    .slice(0, 300);
}

function awsDetail(e: SdkErrorShape): string {
  const m = typeof e.message === 'string' ? redact(e.message.trim()) : '';
  return m === '' || m === 'UnknownError' ? '' : ` AWS said: "${m}"`;
}

/** A short, secret-free name for what went wrong: the AWS exception, the socket error or the status. */
function label(e: SdkErrorShape, name: string, status: number | undefined): string {
  const code = typeof e.code === 'string' ? e.code : (e as { cause?: SdkErrorShape }).cause?.code;
  if (/Exception$|^Throttling$|^RequestLimitExceeded$|^ServiceUnavailable$/.test(name)) return name;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
  if (status !== undefined) return `HTTP ${status}`;
  return name === '' || name === 'Error' ? 'network error' : name;
}

function isNetwork(e: SdkErrorShape): boolean {
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
  const cause = (e as { cause?: SdkErrorShape }).cause;
  return typeof cause?.code === 'string' && NETWORK_CODES.has(cause.code);
}

/** Turns an error from one KMS call into a KmsError (or CANCELLED). AppErrors pass through. */
export function mapKmsError(err: unknown, site: KmsCallSite): AppError {
  if (err instanceof AppError) return err;
  const e: SdkErrorShape = typeof err === 'object' && err !== null ? (err as SdkErrorShape) : {};
  const name = typeof e.name === 'string' ? e.name : '';
  if (name === 'AbortError') return new AppError('CANCELLED', 'The operation was cancelled.');
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  const where = `KMS key ${site.keyId} in region ${site.region}`;
  const opts = { cause: err, awsName: name || undefined };
  const what = label(e, name, status);

  if (AUTH.has(name) || status === 401 || status === 403) {
    const expired = /expired/i.test(name);
    return new KmsError('PERMISSION_DENIED', `${site.operation} on ${where} was denied (${what}).`, {
      ...opts,
      hint:
        (expired
          ? 'The AWS credentials have expired: refresh them (e.g. `aws sso login`, new session token). '
          : '') +
        `Check the credentials this console uses, and that its IAM policy and the key policy allow ` +
        `${IAM_ACTIONS[site.operation]} on this key (backups need kms:GenerateDataKey and kms:Decrypt; ` +
        'rotation kms:ReEncrypt*).' +
        awsDetail(e),
    });
  }
  if (name === 'NotFoundException' || name === 'InvalidArnException') {
    return new KmsError('CONFIG', `KMS key ${site.keyId} not found in region ${site.region}.`, {
      ...opts,
      hint: 'Check the key id or ARN and the region in the repository settings; keys are regional.',
    });
  }
  if (KEY_STATE.has(name)) {
    return new KmsError('CONFIG', `${where} cannot be used for ${site.operation} (${name}).`, {
      ...opts,
      hint:
        'The key is disabled, pending deletion or otherwise unusable: enable it in the AWS console ' +
        '(or cancel its deletion). Until then, restores can use the recovery key.' +
        awsDetail(e),
    });
  }
  if (name === 'InvalidCiphertextException') {
    return new KmsError('INTEGRITY', `${where} refused the stored key-slot ciphertext (${name}).`, {
      ...opts,
      hint:
        'The slot was damaged or belongs to another repository or slot (its encryption context does not ' +
        'match). Open the repository with another key slot or the recovery key.',
    });
  }
  if (name === 'IncorrectKeyException') {
    return new KmsError('WRONG_KEY', `The key-slot ciphertext was not made under ${where}.`, {
      ...opts,
      hint: 'The slot names a different KMS key than the one that wrapped it; use another key slot.',
    });
  }
  const throttled = (e as { $retryable?: { throttling?: boolean } }).$retryable?.throttling === true;
  if (UNAVAILABLE.has(name) || isNetwork(e) || throttled || (status !== undefined && status >= 500)) {
    return new KmsError(
      'KMS_UNAVAILABLE',
      `AWS KMS is unavailable for ${site.operation} on ${where} (${what}).`,
      { ...opts, hint: RECOVERY_HINT },
    );
  }
  if (e.$fault === 'server') {
    return new KmsError('KMS_UNAVAILABLE', `AWS KMS failed ${site.operation} on ${where} (${name}).`, {
      ...opts,
      hint: RECOVERY_HINT,
    });
  }
  if (name !== '' && e.$fault === 'client') {
    return new KmsError('CONFIG', `KMS rejected ${site.operation} on ${where} (${name}).`, {
      ...opts,
      hint: `Check the key's type (symmetric ENCRYPT_DECRYPT), region and settings.${awsDetail(e)}`,
    });
  }
  if (/region is missing|invalid region/i.test(typeof e.message === 'string' ? e.message : '')) {
    return new KmsError('CONFIG', `No valid AWS region is configured for ${site.keyId}.`, {
      ...opts,
      hint: 'Set the KMS region in the repository settings (the region the key lives in).',
    });
  }
  if (err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError) {
    return toAppError(err);
  }
  return new KmsError('KMS_UNAVAILABLE', `${site.operation} on ${where} failed before KMS answered.`, {
    ...opts,
    hint: `Check the network and the KMS endpoint. ${RECOVERY_HINT}`,
  });
}
