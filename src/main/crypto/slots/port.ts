/**
 * Key slots: each slot stores the repository master key wrapped (AES-256-GCM) under a
 * key-encryption key (KEK). A KekProvider knows how to make a KEK and get it back later:
 * - keychain:   a random 32-byte KEK kept in the OS keychain under an entry name (embedded default)
 * - passphrase: scrypt(passphrase, salt)
 * - recovery:   a random 32-byte key printed once at init, typed back in on the bad day
 * - kms:        AWS KMS GenerateDataKey; the slot keeps the CiphertextBlob; Decrypt gets the KEK back
 *
 * `params` is stored in clear inside the slot object (`keys/<slotId>`), so it must never hold a
 * secret: only salts, entry names, KMS key ids and KMS ciphertext blobs.
 */
export type SlotType = 'keychain' | 'passphrase' | 'recovery' | 'kms';

export interface SlotContext {
  repositoryId: string;
  slotId: string;
  signal?: AbortSignal;
}

export type SlotParams = Record<string, string | number>;

export interface NewKek {
  kek: Uint8Array;
  params: SlotParams;
  /** Something to show the operator once (the recovery key). Never stored. */
  revealOnce?: string;
}

export interface KekProvider {
  readonly type: SlotType;
  create(ctx: SlotContext): Promise<NewKek>;
  recover(params: SlotParams, ctx: SlotContext): Promise<Uint8Array>;
  /** Optional: re-wrap parameters under the provider's current key (KMS ReEncrypt). */
  rotate?(params: SlotParams, ctx: SlotContext): Promise<SlotParams>;
}
