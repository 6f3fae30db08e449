/**
 * KeyService: key slots per repository and their rotation (procedures: every 90 days). A new
 * repository gets a keychain slot (the embedded default), a recovery slot whose key is shown once,
 * and optionally an AWS KMS slot. Rotation re-wraps the master key: KMS slots via ReEncrypt
 * (rewrapSlot), keychain slots under a fresh keychain key; the time is recorded per target.
 */
import type { KeyStatus } from '../../shared/contract/settings.js';
import { slotRotationStatus } from '../crypto/kms/rotation.js';
import { KeychainKekProvider } from '../crypto/slots/keychain.js';
import { PassphraseKekProvider } from '../crypto/slots/passphrase.js';
import type { KekProvider } from '../crypto/slots/port.js';
import { RecoveryKekProvider } from '../crypto/slots/recovery.js';
import type { KeyService } from '../host/ports.js';
import { AppError, toAppError } from '../platform/errors.js';

import { createSlot, type KeySlotRecord, listSlots, removeSlot, rewrapSlot } from '../repo/keyslots.js';
import { Repository, readConfig } from '../repo/repository.js';
import { type AppDeps, jobOpts } from './deps.js';
import { kmsProvider } from './unlock.js';

const DAY = 86_400_000;
const rotationKey = (targetId: string) => `keys.${targetId}.lastRotationAt`;

function reference(s: KeySlotRecord): string | undefined {
  const v = s.type === 'kms' ? s.params.keyId : s.type === 'keychain' ? s.params.entry : undefined;
  return typeof v === 'string' ? v : undefined;
}

async function statusOf(d: AppDeps, targetId: string): Promise<KeyStatus> {
  const { storage } = await d.repos.storage(targetId);
  try {
    if (!(await d.repos.initialized(storage)))
      return { targetId, initialized: false, slots: [], rotationOverdue: false };
    const config = await readConfig(storage);
    const slots = await listSlots(storage);
    const days = d.stores.settings.get().keyRotationDays;
    const times = [config.createdAt, d.stores.settings.getRaw(rotationKey(targetId))]
      .concat(slots.map((s) => s.rotatedAt))
      .filter((t): t is string => typeof t === 'string')
      .map((t) => (t.startsWith('"') ? (JSON.parse(t) as string) : t))
      .sort();
    const last = times.at(-1) ?? config.createdAt;
    const kmsDue = slots
      .filter((s) => s.type === 'kms')
      .map((s) => slotRotationStatus(s, d.clock, days))
      .some((r) => r.state === 'overdue');
    const due = new Date(new Date(last).getTime() + days * DAY);
    return {
      targetId,
      repositoryId: config.id,
      initialized: true,
      slots: slots.map((s) => {
        const ref = reference(s);
        return {
          id: s.id,
          type: s.type,
          createdAt: s.rotatedAt ?? s.createdAt,
          ...(ref ? { reference: ref } : {}),
        };
      }),
      ...(times.length > 1 || slots.some((s) => s.rotatedAt) ? { lastRotationAt: last } : {}),
      nextRotationDue: due.toISOString(),
      rotationOverdue: kmsDue || due <= d.clock.now(),
    };
  } finally {
    await storage.close?.().catch(() => {});
  }
}

async function providerFor(
  d: AppDeps,
  slot: { type: string; kmsKeyId?: string; passphrase?: string },
): Promise<KekProvider> {
  if (slot.type === 'kms' && slot.kmsKeyId) return kmsProvider(slot.kmsKeyId, d.kms, d.clock);
  if (slot.type === 'keychain') return new KeychainKekProvider(d.keychain);
  if (slot.type === 'passphrase' && slot.passphrase) return new PassphraseKekProvider(slot.passphrase);
  if (slot.type === 'recovery') return new RecoveryKekProvider();
  throw new AppError('INVALID_INPUT', `slot: unsupported key slot type "${slot.type}".`);
}

export function keyService(d: AppDeps): KeyService {
  const changed = () => d.bus.emit('dashboard.invalidate', { topics: ['keys'] });
  return {
    async status() {
      const out: KeyStatus[] = [];
      for (const t of d.stores.targets.list()) {
        try {
          out.push(await statusOf(d, t.id));
        } catch (e) {
          d.log.warn(`Key status of "${t.name}" unavailable: ${toAppError(e).message}`);
          out.push({ targetId: t.id, initialized: false, slots: [], rotationOverdue: false });
        }
      }
      return out;
    },
    async initRepository(targetId, kmsKeyId) {
      const { storage } = await d.repos.storage(targetId);
      try {
        const slots: KekProvider[] = [new KeychainKekProvider(d.keychain), new RecoveryKekProvider()];
        if (kmsKeyId) slots.push(await kmsProvider(kmsKeyId, d.kms, d.clock));
        const { repo, revealed } = await Repository.init(storage, { slots, clock: d.clock });
        const recoveryKey = revealed.find((r) => r.type === 'recovery')?.text;
        if (!recoveryKey) throw new AppError('INTERNAL', 'The recovery key slot revealed no key.');
        changed();
        return { repositoryId: repo.id, recoveryKey };
      } finally {
        await storage.close?.().catch(() => {});
      }
    },
    async rotate(targetId, actor) {
      const t = d.stores.targets.get(targetId);
      const job = d.jobs.start(
        'key-rotation',
        `Rotate the keys of ${t.name}`,
        (ctx) =>
          d.repos.with(
            targetId,
            async (repo) => {
              let rotated = 0;
              for (const s of await listSlots(repo.storage, ctx.signal)) {
                if (s.type === 'kms') {
                  const p = await kmsProvider(String(s.params.keyId), d.kms, d.clock);
                  const rec = await rewrapSlot(repo.storage, repo.id, s, p, d.clock);
                  ctx.log('info', `KMS slot ${s.id} re-wrapped as ${rec.id}.`);
                  rotated++;
                } else if (s.type === 'keychain') {
                  const { record } = await createSlot(
                    repo.storage,
                    repo.id,
                    repo.keys.master,
                    new KeychainKekProvider(d.keychain),
                    d.clock,
                  );
                  await removeSlot(repo.storage, s.id);
                  if (typeof s.params.entry === 'string') await d.keychain.delete(s.params.entry);
                  ctx.log('info', `Keychain slot ${s.id} replaced by ${record.id} under a new key.`);
                  rotated++;
                }
              }
              const at = d.clock.now().toISOString();
              d.stores.settings.setRaw(rotationKey(targetId), at);
              changed();
              return { rotatedSlots: rotated, rotatedAt: at };
            },
            { signal: ctx.signal, loadIndex: false },
          ),
        jobOpts(actor.username, targetId),
      );
      return { jobId: job.id };
    },
    async addSlot(i) {
      const p = await providerFor(d, i.slot);
      return d.repos.with(
        i.targetId,
        async (repo) => {
          const { record, revealOnce } = await createSlot(
            repo.storage,
            repo.id,
            repo.keys.master,
            p,
            d.clock,
          );
          changed();
          return { slotId: record.id, ...(revealOnce ? { revealOnce } : {}) };
        },
        { loadIndex: false },
      );
    },
    async removeSlot(targetId, slotId) {
      await d.repos.with(
        targetId,
        async (repo) => {
          const slots = await listSlots(repo.storage);
          const slot = slots.find((s) => s.id === slotId);
          if (!slot) throw new AppError('NOT_FOUND', `No key slot "${slotId}" in this repository.`);
          if (slots.length === 1) {
            throw new AppError(
              'CONFLICT',
              'This is the last key slot; removing it would make the backups unreadable.',
              {
                hint: 'Add another key slot first.',
              },
            );
          }
          const opener = slots.filter((s) => s.id !== slotId && (s.type === 'keychain' || s.type === 'kms'));
          if (opener.length === 0) {
            throw new AppError(
              'CONFLICT',
              'Without this slot the console could no longer open the repository by itself.',
              {
                hint: 'Add a keychain or KMS slot first.',
              },
            );
          }
          await removeSlot(repo.storage, slot.id);
          if (slot.type === 'keychain' && typeof slot.params.entry === 'string')
            await d.keychain.delete(slot.params.entry);
          changed();
        },
        { loadIndex: false },
      );
    },
  };
}
