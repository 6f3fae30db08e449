/**
 * The KMS port: the few AWS KMS operations the product needs, in the product's own types.
 * Engines and the key-slot provider use this interface; only `aws-kms.ts` imports the SDK.
 *
 * Contract for every method: failures are AppErrors (see `errors.ts`):
 * - PERMISSION_DENIED: credentials missing, invalid, expired or not allowed by IAM/key policy
 * - CONFIG:            key not found in the region, disabled or in a state that refuses the operation
 * - INTEGRITY:         KMS refused the ciphertext (damaged, or its encryption context does not match)
 * - WRONG_KEY:         the ciphertext was made under a different KMS key than the one named
 * - KMS_UNAVAILABLE:   network error, throttling, 5xx (retryable; restores can use the recovery key)
 * - CANCELLED:         the signal fired
 * Plaintext returned here is key material: callers must never log, store or print it.
 */

/** KMS EncryptionContext: non-secret strings bound to the ciphertext; Decrypt needs the same map. */
export type EncryptionContext = Readonly<Record<string, string>>;

export interface CallOptions {
  signal?: AbortSignal;
}

export interface DataKey {
  /** 32 bytes of key material (AES_256). Secret. */
  plaintext: Uint8Array;
  /** The data key encrypted under the KMS key; safe to store. */
  ciphertextBlob: Uint8Array;
  /** The ARN of the KMS key that encrypted it (KMS always answers with the ARN). */
  keyId: string;
}

export interface Decrypted {
  plaintext: Uint8Array;
  keyId: string;
}

export interface ReEncrypted {
  ciphertextBlob: Uint8Array;
  keyId: string;
}

export interface KeyDescription {
  keyId: string;
  arn: string;
  enabled: boolean;
  /** KMS KeyState: 'Enabled' | 'Disabled' | 'PendingDeletion' | ... */
  keyState: string;
  creationDate: Date | undefined;
}

export interface KeyRotationStatus {
  enabled: boolean;
  rotationPeriodInDays?: number;
  nextRotationDate?: Date;
}

/** The rotation period the backup procedures require (Backup Encryption: every 90 days). */
export const ROTATION_PERIOD_DAYS = 90;

export interface KmsPort {
  /** Region this port talks to (named in error messages and stored in slot params). */
  readonly region: string;
  /** GenerateDataKey with KeySpec AES_256. `keyId` may be a key id, key ARN, alias name or alias ARN. */
  generateDataKey(keyId: string, context: EncryptionContext, opts?: CallOptions): Promise<DataKey>;
  /**
   * Decrypt. `keyId` is optional (symmetric ciphertext names its key) but recommended: KMS then
   * refuses a ciphertext made under any other key (WRONG_KEY).
   */
  decrypt(
    blob: Uint8Array,
    context: EncryptionContext,
    keyId?: string,
    opts?: CallOptions,
  ): Promise<Decrypted>;
  /**
   * ReEncrypt under `destinationKeyId` (the same key re-wraps under its newest key material) with the
   * same encryption context; the plaintext never leaves KMS.
   */
  reEncrypt(
    blob: Uint8Array,
    context: EncryptionContext,
    destinationKeyId: string,
    opts?: CallOptions,
  ): Promise<ReEncrypted>;
  describeKey(keyId: string, opts?: CallOptions): Promise<KeyDescription>;
  getKeyRotationStatus(keyId: string, opts?: CallOptions): Promise<KeyRotationStatus>;
  /** Turns on KMS automatic key-material rotation (default every 90 days). */
  enableKeyRotation(keyId: string, periodDays?: number, opts?: CallOptions): Promise<void>;
}
