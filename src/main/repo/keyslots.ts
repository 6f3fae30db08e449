/**
 * Key slot objects `keys/<slotId>`: the master key wrapped under a KEK from a KekProvider.
 * Stored as clear JSON (params hold no secrets; see crypto/slots/port.ts). Adding a slot writes a
 * new object; removing deletes one; the last slot that can open the repository cannot be removed.
 */
import { randomBytes } from 'node:crypto';
import { open, seal } from '../crypto/aead.js';
import type { KekProvider, SlotParams, SlotType } from '../crypto/slots/port.js';
import type { Clock } from '../platform/clock.js';
import { AppError, isAppError } from '../platform/errors.js';
import { byCodeUnit } from '../platform/order.js';
import type { Storage } from '../storage/port.js';
import { keyName } from './format.js';

export interface KeySlotRecord {
  version: 1;
  id: string;
  type: SlotType;
  createdAt: string;
  rotatedAt?: string;
  /** Rotation count: the object is `keys/<id>.g<generation>` (absent: `keys/<id>`). */
  generation?: number;
  label?: string;
  params: SlotParams;
  wrapped: string;
}

const aad = (repoId: string, slotId: string) => Buffer.from(`mvono-backup key slot ${repoId} ${slotId}`);

/** The object holding a slot: `keys/<id>`, or `keys/<id>.g<n>` after its n-th rotation. */
export function slotObjectName(rec: Pick<KeySlotRecord, 'id' | 'generation'>): string {
  return rec.generation ? `${keyName(rec.id)}.g${rec.generation}` : keyName(rec.id);
}

/**
 * Every slot, newest generation of each (a rotation interrupted after writing the new generation
 * leaves the old object behind; it is ignored and removed by the next rotation or removal).
 */
export async function listSlots(storage: Storage, signal?: AbortSignal): Promise<KeySlotRecord[]> {
  const records: KeySlotRecord[] = [];
  for await (const o of storage.list('keys/', { signal })) {
    records.push(JSON.parse(Buffer.from(await storage.get(o.name, { signal })).toString('utf8')));
  }
  return newestSlots(records);
}

/** Of each slot's objects (one per rotation), the newest generation; the oldest slot first. */
export function newestSlots(records: KeySlotRecord[]): KeySlotRecord[] {
  const byId = new Map<string, KeySlotRecord>();
  for (const rec of records) {
    const prev = byId.get(rec.id);
    if (!prev || (rec.generation ?? 0) > (prev.generation ?? 0)) byId.set(rec.id, rec);
  }
  return [...byId.values()].sort((a, b) => byCodeUnit(a.createdAt, b.createdAt));
}

/** Deletes every object of a slot (all generations). */
export async function removeSlot(storage: Storage, slotId: string, signal?: AbortSignal): Promise<void> {
  for await (const o of storage.list(`${keyName(slotId)}`, { signal })) {
    const rest = o.name.slice(keyName(slotId).length);
    if (rest === '' || /^\.g\d+$/.test(rest)) await storage.delete(o.name, { signal });
  }
}

export async function createSlot(
  storage: Storage,
  repoId: string,
  master: Buffer,
  provider: KekProvider,
  clock: Clock,
  label?: string,
): Promise<{ record: KeySlotRecord; revealOnce?: string }> {
  const slotId = randomBytes(8).toString('hex');
  const made = await provider.create({ repositoryId: repoId, slotId });
  const record: KeySlotRecord = {
    version: 1,
    id: slotId,
    type: provider.type,
    createdAt: clock.now().toISOString(),
    params: made.params,
    wrapped: seal(made.kek, master, aad(repoId, slotId)).toString('base64'),
  };
  if (label) record.label = label;
  await storage.put(keyName(slotId), Buffer.from(JSON.stringify(record, null, 1)));
  return made.revealOnce === undefined ? { record } : { record, revealOnce: made.revealOnce };
}

/** Tries each provider against each slot of its type; WRONG_KEY if none opens. */
export async function unlockMaster(
  slots: KeySlotRecord[],
  repoId: string,
  providers: KekProvider[],
): Promise<{ master: Buffer; slot: KeySlotRecord }> {
  const specific: AppError[] = [];
  let wrongKey = false;
  for (const p of providers) {
    for (const s of slots.filter((x) => x.type === p.type)) {
      try {
        const kek = await p.recover(s.params, { repositoryId: repoId, slotId: s.id });
        const master = open(kek, Buffer.from(s.wrapped, 'base64'), aad(repoId, s.id), `key slot ${s.id}`);
        return { master, slot: s };
      } catch (e) {
        if (isAppError(e, 'INTEGRITY')) wrongKey = true;
        else if (isAppError(e)) specific.push(e);
        else throw e;
      }
    }
  }
  const details = specific.map((e) => e.message).join(' ');
  if (!wrongKey && specific.length > 0) throw specific[0];
  const have = [...new Set(slots.map((s) => s.type))].join(', ') || 'none';
  const tried = providers.map((p) => p.type).join(', ') || 'none';
  throw new AppError(
    'WRONG_KEY',
    `None of the given keys opens this repository (tried: ${tried}; slots: ${have}).${details ? ` Also: ${details}` : ''}`,
    {
      hint: 'Check the passphrase (--password-file / MVONO_BACKUP_PASSWORD), or use the recovery key (--recovery-key-file).',
    },
  );
}

export async function rewrapSlot(
  storage: Storage,
  repoId: string,
  slot: KeySlotRecord,
  provider: KekProvider,
  clock: Clock,
): Promise<KeySlotRecord> {
  if (!provider.rotate)
    throw new AppError('INVALID_INPUT', `Key slots of type ${slot.type} cannot be rotated.`);
  // The slot keeps its id (it is bound into the wrapping AAD and the KMS encryption context);
  // ReEncrypt changes only the ciphertext of the same data key, so the KEK is unchanged. A new
  // generation object is written before the old one is deleted.
  const ctx = { repositoryId: repoId, slotId: slot.id };
  const params = await provider.rotate(slot.params, ctx);
  const kek = await provider.recover(params, ctx);
  open(kek, Buffer.from(slot.wrapped, 'base64'), aad(repoId, slot.id), `key slot ${slot.id}`);
  const record: KeySlotRecord = {
    ...slot,
    params,
    generation: (slot.generation ?? 0) + 1,
    rotatedAt: clock.now().toISOString(),
  };
  await storage.put(slotObjectName(record), Buffer.from(JSON.stringify(record, null, 1)));
  await storage.delete(slotObjectName(slot));
  return record;
}
