/**
 * The 'kms' key slot: the KEK is an AWS KMS data key. The slot keeps only its CiphertextBlob,
 * the key's ARN and region (never the plaintext); KMS Decrypt gives the KEK back.
 * Every call binds the ciphertext to its repository and slot with an EncryptionContext, so a slot
 * copied into another repository (or under another slot id) cannot be opened.
 * Uses the KmsPort only; the AWS SDK stays in aws-kms.ts.
 */
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import type { KekProvider, NewKek, SlotContext, SlotParams } from '../slots/port.js';
import type { EncryptionContext, KmsPort } from './port.js';

export const KMS_SLOT_PURPOSE = 'mvono-backup-master-key';
const KEK_BYTES = 32;

export interface KmsSlotParams {
  /** ARN of the KMS key that wrapped the KEK (as KMS reported it). */
  keyId: string;
  region: string;
  /** KMS CiphertextBlob, base64. */
  ciphertext: string;
  /** ISO date of the last ReEncrypt, absent until the first rotation. */
  rotatedAt?: string;
}

export interface KmsKekProviderOptions {
  /** The current KMS key: key id, key ARN, alias name or alias ARN. New slots and rotations use it. */
  keyId: string;
  /** Port for the provider's region (kms.region is stored in new slots). */
  kms: KmsPort;
  /** Ports for slots made in other regions (recover only); omitted: such slots fail with CONFIG. */
  connect?: (region: string) => KmsPort;
  clock: Clock;
}

export function slotEncryptionContext(ctx: SlotContext): EncryptionContext {
  return { repository: ctx.repositoryId, slot: ctx.slotId, purpose: KMS_SLOT_PURPOSE };
}

/** Reads and checks a kms slot's params; INTEGRITY if they are not what `create` wrote. */
export function parseKmsSlotParams(params: SlotParams, slotId: string): KmsSlotParams {
  const { keyId, region, ciphertext, rotatedAt } = params;
  if (
    typeof keyId !== 'string' ||
    keyId === '' ||
    typeof region !== 'string' ||
    region === '' ||
    typeof ciphertext !== 'string' ||
    !/^[A-Za-z0-9+/]+={0,2}$/.test(ciphertext) ||
    (rotatedAt !== undefined && typeof rotatedAt !== 'string')
  ) {
    throw new AppError('INTEGRITY', `Key slot ${slotId} has malformed KMS parameters.`, {
      hint: 'The slot object was damaged; open the repository with another key slot or the recovery key.',
    });
  }
  return rotatedAt === undefined ? { keyId, region, ciphertext } : { keyId, region, ciphertext, rotatedAt };
}

export class KmsKekProvider implements KekProvider {
  readonly type = 'kms' as const;
  private readonly ports = new Map<string, KmsPort>();

  constructor(private readonly opts: KmsKekProviderOptions) {
    this.ports.set(opts.kms.region, opts.kms);
  }

  async create(ctx: SlotContext): Promise<NewKek> {
    const kms = this.opts.kms;
    const dk = await kms.generateDataKey(this.opts.keyId, slotEncryptionContext(ctx), { signal: ctx.signal });
    checkKek(dk.plaintext, ctx.slotId);
    const params: KmsSlotParams = {
      keyId: dk.keyId,
      region: kms.region,
      ciphertext: Buffer.from(dk.ciphertextBlob).toString('base64'),
    };
    return { kek: dk.plaintext, params: { ...params } };
  }

  async recover(params: SlotParams, ctx: SlotContext): Promise<Uint8Array> {
    const p = parseKmsSlotParams(params, ctx.slotId);
    const out = await this.port(p.region, ctx.slotId).decrypt(
      Buffer.from(p.ciphertext, 'base64'),
      slotEncryptionContext(ctx),
      p.keyId,
      { signal: ctx.signal },
    );
    checkKek(out.plaintext, ctx.slotId);
    return out.plaintext;
  }

  /** Re-wraps under the provider's current key (its newest key material, or the key an alias now names). */
  rotate(params: SlotParams, ctx: SlotContext): Promise<SlotParams> {
    return this.rotateTo(params, ctx, this.opts.keyId);
  }

  /** ReEncrypt to `destinationKeyId` (same region); the KEK itself never leaves KMS. */
  async rotateTo(params: SlotParams, ctx: SlotContext, destinationKeyId: string): Promise<SlotParams> {
    const p = parseKmsSlotParams(params, ctx.slotId);
    if (p.region !== this.opts.kms.region) {
      throw new AppError(
        'CONFIG',
        `Key slot ${ctx.slotId} uses a KMS key in ${p.region}, but the current KMS key is in ${this.opts.kms.region}.`,
        { hint: 'KMS cannot re-encrypt across regions: add a new kms key slot in the new region instead.' },
      );
    }
    const out = await this.opts.kms.reEncrypt(
      Buffer.from(p.ciphertext, 'base64'),
      slotEncryptionContext(ctx),
      destinationKeyId,
      { signal: ctx.signal },
    );
    const next: KmsSlotParams = {
      keyId: out.keyId,
      region: p.region,
      ciphertext: Buffer.from(out.ciphertextBlob).toString('base64'),
      rotatedAt: this.opts.clock.now().toISOString(),
    };
    return { ...next };
  }

  private port(region: string, slotId: string): KmsPort {
    const known = this.ports.get(region);
    if (known !== undefined) return known;
    if (this.opts.connect === undefined) {
      throw new AppError(
        'CONFIG',
        `Key slot ${slotId} uses a KMS key in region ${region}, which is not configured.`,
        {
          hint: `Configure KMS access for region ${region}, or open the repository with another key slot.`,
        },
      );
    }
    const made = this.opts.connect(region);
    this.ports.set(region, made);
    return made;
  }
}

function checkKek(kek: Uint8Array, slotId: string): void {
  if (kek.length !== KEK_BYTES) {
    throw new AppError(
      'INTEGRITY',
      `KMS returned a ${kek.length}-byte key for slot ${slotId}; expected 32.`,
      {
        hint: 'The slot does not hold an AES-256 data key; open the repository with another key slot.',
      },
    );
  }
}
