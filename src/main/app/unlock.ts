/**
 * Key-encryption-key providers the console uses: the OS keychain (embedded default) and AWS KMS
 * (loaded lazily: the SDK is imported only when a repository has a kms slot or one is added).
 */
import { KeychainKekProvider } from '../crypto/slots/keychain.js';
import type { KekProvider, SlotContext, SlotParams } from '../crypto/slots/port.js';
import type { Clock } from '../platform/clock.js';
import { AppError } from '../platform/errors.js';
import type { Keychain } from '../platform/keychain.js';

export interface KmsEnv {
  region?: string;
  endpoint?: string;
}

export function kmsEnv(env: NodeJS.ProcessEnv): KmsEnv {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  return {
    ...(region ? { region } : {}),
    ...(env.MVONO_KMS_ENDPOINT ? { endpoint: env.MVONO_KMS_ENDPOINT } : {}),
  };
}

/** "arn:aws:kms:eu-west-1:…" names its region; otherwise AWS_REGION. */
function regionFor(keyId: string, e: KmsEnv): string {
  const m = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):/.exec(keyId);
  const region = m?.[1] ?? e.region;
  if (!region) {
    throw new AppError('CONFIG', `No AWS region for the KMS key "${keyId}".`, {
      hint: 'Give the key as an ARN (it names the region) or set AWS_REGION for the console.',
    });
  }
  return region;
}

export async function kmsProvider(
  keyId: string,
  e: KmsEnv,
  clock: Clock,
): Promise<KekProvider & { rotate: NonNullable<KekProvider['rotate']> }> {
  const { awsKmsKekProvider } = await import('../crypto/kms/factory.js');
  return awsKmsKekProvider({
    keyId,
    region: regionFor(keyId, e),
    ...(e.endpoint ? { endpoint: e.endpoint } : {}),
    clock,
  });
}

/** Opens kms slots with the key and region each slot names. */
class LazyKms implements KekProvider {
  readonly type = 'kms' as const;
  constructor(
    private readonly e: KmsEnv,
    private readonly clock: Clock,
  ) {}
  async create(): Promise<never> {
    throw new AppError('INTERNAL', 'The lazy KMS provider only opens slots.');
  }
  async recover(params: SlotParams, ctx: SlotContext): Promise<Uint8Array> {
    const region = typeof params.region === 'string' ? params.region : this.e.region;
    const p = await kmsProvider(
      String(params.keyId),
      { ...this.e, ...(region ? { region } : {}) },
      this.clock,
    );
    return p.recover(params, ctx);
  }
}

export function unlockProviders(keychain: Keychain, e: KmsEnv, clock: Clock): KekProvider[] {
  return [new KeychainKekProvider(keychain), new LazyKms(e, clock)];
}
