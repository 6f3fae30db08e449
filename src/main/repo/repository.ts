/**
 * Repository: opens (or creates) a repository on any Storage, holds its keys and master index,
 * reads blobs and trees, lists and saves snapshots. Engines (backup, restore, check, prune, copy)
 * are built on this class; it never imports an SDK, Electron or SQLite.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { deriveKeys, newMasterKey, type RepoKeys } from '../crypto/keys.js';
import type { KekProvider } from '../crypto/slots/port.js';
import { type Clock, systemClock } from '../platform/clock.js';
import { AppError } from '../platform/errors.js';
import { byCodeUnit } from '../platform/order.js';
import { isAlreadyExists, isNotFound } from '../storage/errors.js';
import type { Storage } from '../storage/port.js';
import { openBlobSync } from './blob.js';
import { type ChunkerParams, DEFAULT_CHUNKER, gearTable } from './chunker.js';
import { BlobType, CONFIG, FORMAT_NAME, FORMAT_VERSION, isId, packName, snapshotName } from './format.js';
import { MasterIndex, mapLimit } from './index-store.js';
import { createSlot, type KeySlotRecord, listSlots, unlockMaster } from './keyslots.js';
import { RepoLock } from './lock.js';
import { openJson, putContentAddressed } from './objects.js';
import { PackCache } from './pack-cache.js';
import { Packer } from './packer.js';
import type { SnapshotManifest, StoredManifest } from './snapshot.js';
import { decodeTree, type Tree } from './tree.js';
import { CryptoPool } from './workers/pool.js';

const INLINE_BLOB = 64 * 1024;
const TREE_PACK_CACHE = 64 * 1024 * 1024;

export interface RepoConfig {
  format: string;
  version: number;
  id: string;
  createdAt: string;
  chunker: ChunkerParams;
  mac?: string;
}

function configMac(mac: Buffer, c: RepoConfig): string {
  const { mac: _m, ...rest } = c;
  return createHmac('sha256', mac).update(JSON.stringify(rest)).digest('hex');
}

export async function readConfig(storage: Storage, signal?: AbortSignal): Promise<RepoConfig> {
  let raw: Uint8Array;
  try {
    raw = await storage.get(CONFIG, { signal });
  } catch (e) {
    if (isNotFound(e)) {
      throw new AppError('NOT_FOUND', `There is no repository at ${storage.location}.`, {
        hint: 'Check the location (--repo / MVONO_BACKUP_REPO), or create one with `mvono-backup init`.',
      });
    }
    throw e;
  }
  let c: RepoConfig;
  try {
    c = JSON.parse(Buffer.from(raw).toString('utf8')) as RepoConfig;
  } catch (cause) {
    throw new AppError('INTEGRITY', `The repository config at ${storage.location} is not valid JSON.`, {
      cause,
    });
  }
  if (c.format !== FORMAT_NAME) {
    throw new AppError('UNSUPPORTED_FORMAT', `${storage.location} is not a Mvono Backup repository.`);
  }
  if (c.version > FORMAT_VERSION) {
    throw new AppError(
      'UNSUPPORTED_FORMAT',
      `The repository at ${storage.location} uses format version ${c.version}; this program reads up to version ${FORMAT_VERSION}.`,
      { hint: 'Upgrade Mvono Backup to a version that supports it. Nothing was changed.' },
    );
  }
  return c;
}

export class Repository {
  readonly index = new MasterIndex();
  private readonly treeCache = new Map<string, Tree>();
  private readonly treePacks = new PackCache(this.loadPack.bind(this), TREE_PACK_CACHE);
  readonly gear: Uint32Array;
  private cryptoPool: CryptoPool | undefined;

  private constructor(
    readonly storage: Storage,
    readonly config: RepoConfig,
    readonly keys: RepoKeys,
    readonly clock: Clock,
    readonly unlockedWith: KeySlotRecord | undefined,
  ) {
    this.gear = gearTable(keys.chunkerSeed);
  }

  get id(): string {
    return this.config.id;
  }
  get chunker(): ChunkerParams {
    return this.config.chunker;
  }

  static async init(
    storage: Storage,
    opts: { slots: KekProvider[]; clock?: Clock; chunker?: ChunkerParams },
  ): Promise<{ repo: Repository; revealed: { type: string; text: string }[] }> {
    const clock = opts.clock ?? systemClock;
    if (opts.slots.length === 0)
      throw new AppError('INVALID_INPUT', 'A repository needs at least one key slot.');
    try {
      await storage.stat(CONFIG);
      throw new AppError('ALREADY_EXISTS', `A repository already exists at ${storage.location}.`, {
        hint: 'Use it as it is, or choose an empty location.',
      });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    const master = newMasterKey();
    const keys = deriveKeys(master);
    const config: RepoConfig = {
      format: FORMAT_NAME,
      version: FORMAT_VERSION,
      id: randomBytes(32).toString('hex'),
      createdAt: clock.now().toISOString(),
      chunker: opts.chunker ?? DEFAULT_CHUNKER,
    };
    config.mac = configMac(keys.mac, config);
    const revealed: { type: string; text: string }[] = [];
    // Key slots first, config last: a repository without config is not a repository yet.
    for (const p of opts.slots) {
      const { revealOnce } = await createSlot(storage, config.id, master, p, clock);
      if (revealOnce) revealed.push({ type: p.type, text: revealOnce });
    }
    try {
      await storage.put(CONFIG, Buffer.from(JSON.stringify(config, null, 1)));
    } catch (e) {
      if (isAlreadyExists(e))
        throw new AppError('ALREADY_EXISTS', `A repository already exists at ${storage.location}.`);
      throw e;
    }
    return { repo: new Repository(storage, config, keys, clock, undefined), revealed };
  }

  static async open(
    storage: Storage,
    opts: {
      unlock: KekProvider[];
      clock?: Clock;
      signal?: AbortSignal;
      loadIndex?: boolean;
      /** Called once the key slots are being unlocked (a passphrase KDF has been started). */
      onUnlocking?: () => void;
      /**
       * Start the crypto workers as soon as the keys are known (their start-up overlaps the index
       * load): one (more start as work needs them), or `all` for work that will keep them all busy
       * from the start (a file backup or restore).
       */
      startWorkers?: boolean | 'all';
    },
  ): Promise<Repository> {
    const config = await readConfig(storage, opts.signal);
    const slots = await listSlots(storage, opts.signal);
    const unlocking = unlockMaster(slots, config.id, opts.unlock);
    opts.onUnlocking?.();
    const { master, slot } = await unlocking;
    const keys = deriveKeys(master);
    if (config.mac !== configMac(keys.mac, config)) {
      throw new AppError('INTEGRITY', `The repository config at ${storage.location} was altered.`);
    }
    const repo = new Repository(storage, config, keys, opts.clock ?? systemClock, slot);
    if (opts.startWorkers === 'all') repo.pool().startAll();
    else if (opts.startWorkers) repo.pool();
    if (opts.loadIndex !== false) await repo.index.load(storage, keys.enc, opts.signal);
    return repo;
  }

  async reloadIndex(signal?: AbortSignal): Promise<void> {
    const fresh = new MasterIndex();
    await fresh.load(this.storage, this.keys.enc, signal);
    (this as { index: MasterIndex }).index = fresh;
  }

  /** Worker threads for hashing, compression, encryption and verification (started on first use). */
  pool(): CryptoPool {
    this.cryptoPool ??= new CryptoPool(
      { enc: this.keys.enc, mac: this.keys.mac },
      { params: this.chunker, gear: this.gear },
    );
    return this.cryptoPool;
  }

  packer(signal?: AbortSignal): Packer {
    return new Packer(this.storage, this.keys, this.index, signal, this.pool());
  }

  /** Decrypts and verifies a blob already read from its pack (in a worker). */
  openSealed(id: string, sealed: Uint8Array, rawLength?: number): Promise<Buffer> {
    // Small blobs cost less here than the round trip to a worker.
    // (by plaintext size too: a 1 MiB chunk of text seals to a few KiB but costs a real inflate)
    if (sealed.length <= INLINE_BLOB && (rawLength ?? sealed.length * 4) <= INLINE_BLOB * 4) {
      try {
        return Promise.resolve(openBlobSync(this.keys, id, sealed, rawLength));
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return this.pool().open(id, sealed, rawLength);
  }

  lock(exclusive: boolean, purpose: string, signal?: AbortSignal): Promise<RepoLock> {
    return RepoLock.acquire(this.storage, this.keys.enc, this.clock, { exclusive, purpose, signal });
  }

  /** Reads, decrypts and verifies one blob. */
  async loadBlob(id: string, signal?: AbortSignal): Promise<Buffer> {
    const loc = this.index.get(id);
    if (!loc) {
      throw new AppError('INTEGRITY', `Blob ${id.slice(0, 12)} is referenced but not in the index.`, {
        hint: 'Run `mvono-backup check` to list the affected snapshots.',
      });
    }
    // Tree packs are small and their trees are read together (a walk): one read serves them all.
    const sealed = this.index.packHoldsOnly(loc.pack, BlobType.Tree)
      ? (await this.treePacks.get(loc.pack, signal)).subarray(loc.offset, loc.offset + loc.length)
      : await this.storage.get(packName(loc.pack), { offset: loc.offset, length: loc.length, signal });
    if (sealed.length !== loc.length) {
      throw new AppError('INTEGRITY', `Pack ${loc.pack.slice(0, 12)} is shorter than its index says.`);
    }
    return this.openSealed(id, sealed, loc.rawLength);
  }

  private loadPack(pack: string, signal?: AbortSignal): Promise<Uint8Array> {
    return this.storage.get(packName(pack), signal ? { signal } : {});
  }

  async loadTree(id: string, signal?: AbortSignal): Promise<Tree> {
    const hit = this.treeCache.get(id);
    if (hit) return hit;
    const t = decodeTree(await this.loadBlob(id, signal));
    if (this.treeCache.size > 5000) this.treeCache.clear();
    this.treeCache.set(id, t);
    return t;
  }

  async listSnapshotIds(signal?: AbortSignal): Promise<string[]> {
    const ids: string[] = [];
    for await (const o of this.storage.list('snapshots/', { signal })) {
      const id = o.name.slice('snapshots/'.length);
      if (isId(id)) ids.push(id);
    }
    return ids;
  }

  async loadSnapshot(id: string, signal?: AbortSignal): Promise<SnapshotManifest> {
    const box = await this.storage.get(snapshotName(id), { signal });
    const m = await openJson<StoredManifest>(this.keys.enc, 'snapshot', box, `snapshot ${id.slice(0, 8)}`);
    return { ...m, id };
  }

  /** All snapshots, oldest first. */
  async listSnapshots(signal?: AbortSignal): Promise<SnapshotManifest[]> {
    const ids = await this.listSnapshotIds(signal);
    const all = await mapLimit(ids, 8, (id) => this.loadSnapshot(id, signal));
    return all.sort((a, b) => byCodeUnit(a.time, b.time) || byCodeUnit(a.id, b.id));
  }

  /** By full id, unique prefix (≥ 4 chars) or "latest". */
  async findSnapshot(ref: string, signal?: AbortSignal): Promise<SnapshotManifest> {
    if (ref === 'latest') {
      const all = await this.listSnapshots(signal);
      const last = all.at(-1);
      if (!last) throw new AppError('NOT_FOUND', 'The repository has no snapshots yet.');
      return last;
    }
    if (!/^[0-9a-f]{4,64}$/.test(ref)) {
      throw new AppError(
        'INVALID_INPUT',
        `"${ref}" is not a snapshot id (give at least 4 hex characters, or "latest").`,
      );
    }
    const matches = (await this.listSnapshotIds(signal)).filter((id) => id.startsWith(ref));
    if (matches.length === 0)
      throw new AppError('NOT_FOUND', `No snapshot ${ref} in ${this.storage.location}.`);
    if (matches.length > 1) {
      throw new AppError(
        'INVALID_INPUT',
        `Snapshot id prefix ${ref} is ambiguous (${matches.length} matches).`,
        {
          hint: 'Give more characters of the id.',
        },
      );
    }
    return this.loadSnapshot(matches[0]!, signal);
  }

  /** The commit point: writes the manifest; returns it with its id. */
  async saveSnapshot(m: StoredManifest, signal?: AbortSignal): Promise<SnapshotManifest> {
    const id = await putContentAddressed(this.storage, this.keys.enc, 'snapshot', 'snapshots', m, signal);
    return { ...m, id };
  }

  async deleteSnapshot(id: string, signal?: AbortSignal): Promise<void> {
    await this.storage.delete(snapshotName(id), { signal });
  }

  async close(): Promise<void> {
    await this.cryptoPool?.close();
    this.cryptoPool = undefined;
    await this.storage.close?.();
  }
}
