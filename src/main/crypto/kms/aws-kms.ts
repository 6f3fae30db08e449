/**
 * KmsPort over the real AWS SDK (@aws-sdk/client-kms). The only file that imports the KMS SDK.
 * Credentials come from the caller or, when omitted, from the SDK's default chain (env, shared
 * config/SSO, web identity, container/instance metadata). `endpoint` is for VPC endpoints, FIPS
 * endpoints and tests (test/support/kms-server.ts).
 */
import {
  DecryptCommand,
  DescribeKeyCommand,
  EnableKeyRotationCommand,
  GenerateDataKeyCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
  type KMSClientConfig,
  ReEncryptCommand,
} from '@aws-sdk/client-kms';
import { AppError } from '../../platform/errors.js';
import { type KmsOperation, mapKmsError } from './errors.js';
import {
  type CallOptions,
  type DataKey,
  type Decrypted,
  type EncryptionContext,
  type KeyDescription,
  type KeyRotationStatus,
  type KmsPort,
  type ReEncrypted,
  ROTATION_PERIOD_DAYS,
} from './port.js';

export interface AwsKmsOptions {
  region: string;
  endpoint?: string;
  /** Static credentials or a provider; omitted: the SDK default credential chain. */
  credentials?: KMSClientConfig['credentials'];
  /** SDK attempts per call including the first (default 3). Retries are only for retryable errors. */
  maxAttempts?: number;
}

export class AwsKms implements KmsPort {
  readonly region: string;
  private readonly client: KMSClient;

  constructor(opts: AwsKmsOptions) {
    if (opts.region.trim() === '') {
      throw new AppError('CONFIG', 'No AWS region is set for KMS.', {
        hint: 'Set the region the KMS key lives in (e.g. eu-west-1).',
      });
    }
    this.region = opts.region;
    this.client = new KMSClient({
      region: opts.region,
      ...(opts.endpoint === undefined ? {} : { endpoint: opts.endpoint }),
      ...(opts.credentials === undefined ? {} : { credentials: opts.credentials }),
      maxAttempts: opts.maxAttempts ?? 3,
    });
  }

  /** Releases the SDK's sockets. */
  close(): void {
    this.client.destroy();
  }

  async generateDataKey(keyId: string, context: EncryptionContext, opts?: CallOptions): Promise<DataKey> {
    const out = await this.call('GenerateDataKey', keyId, opts, (abortSignal) =>
      this.client.send(
        new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: { ...context } }),
        { abortSignal },
      ),
    );
    return {
      plaintext: need(out.Plaintext, 'Plaintext', keyId),
      ciphertextBlob: need(out.CiphertextBlob, 'CiphertextBlob', keyId),
      keyId: out.KeyId ?? keyId,
    };
  }

  async decrypt(
    blob: Uint8Array,
    context: EncryptionContext,
    keyId?: string,
    opts?: CallOptions,
  ): Promise<Decrypted> {
    const out = await this.call('Decrypt', keyId ?? '(named by the ciphertext)', opts, (abortSignal) =>
      this.client.send(
        new DecryptCommand({
          CiphertextBlob: blob,
          EncryptionContext: { ...context },
          ...(keyId === undefined ? {} : { KeyId: keyId }),
        }),
        { abortSignal },
      ),
    );
    const id = out.KeyId ?? keyId ?? '';
    return { plaintext: need(out.Plaintext, 'Plaintext', id), keyId: id };
  }

  async reEncrypt(
    blob: Uint8Array,
    context: EncryptionContext,
    destinationKeyId: string,
    opts?: CallOptions,
  ): Promise<ReEncrypted> {
    const out = await this.call('ReEncrypt', destinationKeyId, opts, (abortSignal) =>
      this.client.send(
        new ReEncryptCommand({
          CiphertextBlob: blob,
          SourceEncryptionContext: { ...context },
          DestinationKeyId: destinationKeyId,
          DestinationEncryptionContext: { ...context },
        }),
        { abortSignal },
      ),
    );
    return {
      ciphertextBlob: need(out.CiphertextBlob, 'CiphertextBlob', destinationKeyId),
      keyId: out.KeyId ?? destinationKeyId,
    };
  }

  async describeKey(keyId: string, opts?: CallOptions): Promise<KeyDescription> {
    const out = await this.call('DescribeKey', keyId, opts, (abortSignal) =>
      this.client.send(new DescribeKeyCommand({ KeyId: keyId }), { abortSignal }),
    );
    const m = out.KeyMetadata;
    if (m?.KeyId === undefined) throw malformed('KeyMetadata', keyId);
    return {
      keyId: m.KeyId,
      arn: m.Arn ?? '',
      enabled: m.Enabled === true,
      keyState: m.KeyState ?? 'Unknown',
      creationDate: m.CreationDate,
    };
  }

  async getKeyRotationStatus(keyId: string, opts?: CallOptions): Promise<KeyRotationStatus> {
    const out = await this.call('GetKeyRotationStatus', keyId, opts, (abortSignal) =>
      this.client.send(new GetKeyRotationStatusCommand({ KeyId: keyId }), { abortSignal }),
    );
    return {
      enabled: out.KeyRotationEnabled === true,
      ...(out.RotationPeriodInDays === undefined ? {} : { rotationPeriodInDays: out.RotationPeriodInDays }),
      ...(out.NextRotationDate === undefined ? {} : { nextRotationDate: out.NextRotationDate }),
    };
  }

  async enableKeyRotation(
    keyId: string,
    periodDays = ROTATION_PERIOD_DAYS,
    opts?: CallOptions,
  ): Promise<void> {
    await this.call('EnableKeyRotation', keyId, opts, (abortSignal) =>
      this.client.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: periodDays }), {
        abortSignal,
      }),
    );
  }

  private async call<T>(
    operation: KmsOperation,
    keyId: string,
    opts: CallOptions | undefined,
    run: (signal: AbortSignal | undefined) => Promise<T>,
  ): Promise<T> {
    if (opts?.signal?.aborted) throw new AppError('CANCELLED', 'The operation was cancelled.');
    try {
      return await run(opts?.signal);
    } catch (e) {
      throw mapKmsError(e, { operation, keyId, region: this.region });
    }
  }
}

function malformed(field: string, keyId: string): AppError {
  return new AppError('KMS_UNAVAILABLE', `AWS KMS answered without ${field} for key ${keyId}.`, {
    hint: 'Retry; if it persists, check the KMS endpoint setting.',
  });
}

function need(v: Uint8Array | undefined, field: string, keyId: string): Uint8Array {
  if (v === undefined || v.length === 0) throw malformed(field, keyId);
  return v;
}
