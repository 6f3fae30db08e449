/**
 * Repository locks. Backups take shared locks, prune takes the exclusive one.
 * A lock is an encrypted object `locks/<random id>` that its holder refreshes (rewrites under a new
 * name) every REFRESH_MS; a lock not refreshed for STALE_MS, or whose holder process on this host
 * is gone, is stale and ignored (and removed by `unlock --stale`/the next exclusive locker).
 * Acquire = write own lock, then list: conflicting live locks -> remove own lock, fail LOCKED.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../platform/clock.js';
import { AppError } from '../platform/errors.js';
import { isNotFound } from '../storage/errors.js';
import type { Storage } from '../storage/port.js';
import { lockName } from './format.js';
import { openJson, sealJson } from './objects.js';

export const REFRESH_MS = 5 * 60_000;
export const STALE_MS = 30 * 60_000;

export interface LockInfo {
  exclusive: boolean;
  hostname: string;
  pid: number;
  purpose: string;
  time: string;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function isStale(l: LockInfo, now: Date): boolean {
  if (now.getTime() - new Date(l.time).getTime() > STALE_MS) return true;
  return l.hostname === hostname() && !processAlive(l.pid);
}

export async function listLocks(
  storage: Storage,
  enc: Buffer,
  signal?: AbortSignal,
): Promise<{ id: string; info: LockInfo }[]> {
  const out: { id: string; info: LockInfo }[] = [];
  for await (const o of storage.list('locks/', { signal })) {
    const id = o.name.slice('locks/'.length);
    try {
      const box = await storage.get(o.name, { signal });
      out.push({ id, info: await openJson<LockInfo>(enc, 'lock', box, `lock ${id.slice(0, 12)}`) });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  return out;
}

export class RepoLock {
  private id: string;
  private timer: NodeJS.Timeout | undefined;
  private constructor(
    private readonly storage: Storage,
    private readonly enc: Buffer,
    private readonly clock: Clock,
    private info: LockInfo,
  ) {
    this.id = '';
  }

  static async acquire(
    storage: Storage,
    enc: Buffer,
    clock: Clock,
    opts: { exclusive: boolean; purpose: string; signal?: AbortSignal },
  ): Promise<RepoLock> {
    const lock = new RepoLock(storage, enc, clock, {
      exclusive: opts.exclusive,
      hostname: hostname(),
      pid: process.pid,
      purpose: opts.purpose,
      time: clock.now().toISOString(),
    });
    await lock.write(opts.signal);
    const now = clock.now();
    const others = (await listLocks(storage, enc, opts.signal)).filter((l) => l.id !== lock.id);
    const conflicting = others.filter((l) => (opts.exclusive || l.info.exclusive) && !isStale(l.info, now));
    if (conflicting.length > 0) {
      await storage.delete(lockName(lock.id)).catch(() => {});
      const c = conflicting[0]!.info;
      throw new AppError(
        'LOCKED',
        `The repository is locked by ${c.exclusive ? 'an exclusive' : 'a shared'} lock for "${c.purpose}" held by ${c.hostname} (pid ${c.pid}) since ${c.time}.`,
        {
          hint: opts.exclusive
            ? 'Wait for running backups to finish and try again. If the holder crashed, the lock becomes stale after 30 minutes.'
            : 'A prune or repair is running; try again when it has finished.',
        },
      );
    }
    if (opts.exclusive) {
      for (const s of others.filter((l) => isStale(l.info, now)))
        await storage.delete(lockName(s.id)).catch(() => {});
    }
    lock.timer = setInterval(() => void lock.refresh().catch(() => {}), REFRESH_MS);
    lock.timer.unref();
    return lock;
  }

  private async write(signal?: AbortSignal): Promise<void> {
    this.id = randomBytes(32).toString('hex');
    await this.storage.put(lockName(this.id), await sealJson(this.enc, 'lock', this.info), { signal });
  }

  async refresh(): Promise<void> {
    const old = this.id;
    this.info = { ...this.info, time: this.clock.now().toISOString() };
    await this.write();
    await this.storage.delete(lockName(old));
  }

  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.storage.delete(lockName(this.id));
  }
}
