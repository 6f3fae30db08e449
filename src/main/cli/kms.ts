/**
 * AWS KMS glue for the CLI: builds KmsKekProviders from options/environment, lazily (the SDK is
 * only loaded when a repository actually has a kms slot), and rotates kms slots.
 *   --kms-key <id|arn|alias> --kms-region <region> [--kms-endpoint <url>]
 *   MVONO_KMS_KEY_ID, AWS_REGION, MVONO_KMS_ENDPOINT (a custom endpoint, e.g. a VPC endpoint)
 * Credentials: the SDK's default chain (env, profile, instance role).
 */

import type { KekProvider, SlotContext, SlotParams } from '../crypto/slots/port.js';
import { systemClock } from '../platform/clock.js';
import { AppError } from '../platform/errors.js';
import type { Values } from './command.js';

type KmsModule = typeof import('../crypto/kms/slot.js');
type AwsModule = typeof import('../crypto/kms/aws-kms.js');

async function load(): Promise<{ slot: KmsModule; aws: AwsModule }> {
  return { slot: await import('../crypto/kms/slot.js'), aws: await import('../crypto/kms/aws-kms.js') };
}

export interface KmsSettings {
  keyId?: string;
  region?: string;
  endpoint?: string;
}

export function kmsSettings(v: Values, env: NodeJS.ProcessEnv): KmsSettings {
  const s = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const out: KmsSettings = {};
  const keyId = s('kms-key') ?? env.MVONO_KMS_KEY_ID;
  const region = s('kms-region') ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const endpoint = s('kms-endpoint') ?? env.MVONO_KMS_ENDPOINT;
  if (keyId) out.keyId = keyId;
  if (region) out.region = region;
  if (endpoint) out.endpoint = endpoint;
  return out;
}

export async function kmsProvider(
  s: KmsSettings,
): Promise<KekProvider & { rotate: NonNullable<KekProvider['rotate']> }> {
  if (!s.keyId)
    throw new AppError('INVALID_INPUT', 'No KMS key given.', {
      hint: 'Pass --kms-key <key id, ARN or alias> or set MVONO_KMS_KEY_ID.',
    });
  if (!s.region)
    throw new AppError('INVALID_INPUT', 'No AWS region for KMS.', {
      hint: 'Pass --kms-region or set AWS_REGION.',
    });
  const { slot, aws } = await load();
  const connect = (region: string) =>
    new aws.AwsKms({ region, ...(s.endpoint ? { endpoint: s.endpoint } : {}) });
  return new slot.KmsKekProvider({ keyId: s.keyId, kms: connect(s.region), connect, clock: systemClock });
}

/** Opens kms slots with whatever region each slot names; loads the SDK on first use. */
export class LazyKmsProvider implements KekProvider {
  readonly type = 'kms' as const;
  constructor(private readonly s: KmsSettings) {}
  async create(): Promise<never> {
    throw new AppError('INTERNAL', 'LazyKmsProvider only opens slots.');
  }
  async recover(params: SlotParams, ctx: SlotContext): Promise<Uint8Array> {
    const region = this.s.region ?? String(params.region);
    const p = await kmsProvider({ ...this.s, keyId: String(params.keyId), region });
    return p.recover(params, ctx);
  }
}

/**
 * Turns on the KMS key's own automatic rotation with the procedures' 90-day period. Not fatal: the
 * operator may lack kms:EnableKeyRotation (then rotation stays a manual `key rotate`), so it warns.
 */
export async function enableKmsRotation(s: KmsSettings, warn: (m: string) => void): Promise<void> {
  if (!s.keyId || !s.region) return;
  const { aws } = await load();
  try {
    await new aws.AwsKms({
      region: s.region,
      ...(s.endpoint ? { endpoint: s.endpoint } : {}),
    }).enableKeyRotation(s.keyId, 90);
  } catch (e) {
    warn(
      `Could not enable automatic rotation of KMS key ${s.keyId} (every 90 days): ${e instanceof Error ? e.message : String(e)} Rotate with \`mvono-backup key rotate\` instead.`,
    );
  }
}
