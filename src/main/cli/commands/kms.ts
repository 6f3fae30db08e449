/** CLI parts of `init --kms-key`, `key add --kms-key` and `key rotate`. */
import { slotRotationStatus } from '../../crypto/kms/rotation.js';
import { systemClock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import { listSlots, rewrapSlot } from '../../repo/keyslots.js';
import type { Repository } from '../../repo/repository.js';
import type { Values } from '../command.js';
import { type Ctx, emit } from '../context.js';
import { enableKmsRotation, kmsProvider, kmsSettings } from '../kms.js';

/** A KMS key slot provider from --kms-key/--kms-region; also enables the key's 90-day rotation. */
export async function kmsProviderFromOptions(v: Values, warn: (m: string) => void = () => {}) {
  const settings = kmsSettings(v, process.env);
  const provider = await kmsProvider(settings);
  await enableKmsRotation(settings, warn);
  return provider;
}

export async function rotateKmsSlots(ctx: Ctx, repo: Repository, v: Values): Promise<number> {
  const slots = (await listSlots(repo.storage, ctx.signal)).filter((s) => s.type === 'kms');
  if (slots.length === 0) {
    throw new AppError('NOT_FOUND', 'This repository has no AWS KMS key slot to rotate.', {
      hint: 'Add one with `key add --kms-key <id> --kms-region <region>`.',
    });
  }
  const settings = kmsSettings(v, ctx.env);
  const rotated: { slot: string; generation: number; status: ReturnType<typeof slotRotationStatus> }[] = [];
  for (const s of slots) {
    const p = await kmsProvider({
      ...settings,
      keyId: settings.keyId ?? String(s.params.keyId),
      region: settings.region ?? String(s.params.region),
    });
    const rec = await rewrapSlot(repo.storage, repo.id, s, p, systemClock);
    rotated.push({
      slot: rec.id,
      generation: rec.generation ?? 0,
      status: slotRotationStatus(rec, systemClock),
    });
  }
  emit(ctx, rotated, () =>
    rotated
      .map((r) => `Rotated KMS slot ${r.slot} (ReEncrypt, generation ${r.generation}). ${r.status.message}.`)
      .join('\n'),
  );
  return 0;
}
