/**
 * Opening the repository of a storage target: target -> credentials (keychain) -> Storage ->
 * Repository unlocked with the keychain slot (or KMS). Every caller closes what it opens.
 */
import { StorageCredentials, type StorageTarget } from '../../shared/contract/settings.js';
import type { TargetStore } from '../catalog/targets.js';
import type { StorageOpener } from '../host/ports.js';
import type { Clock } from '../platform/clock.js';
import { AppError, isAppError } from '../platform/errors.js';
import type { Keychain } from '../platform/keychain.js';
import { registerSecret } from '../platform/logger.js';
import { CONFIG } from '../repo/format.js';
import { Repository } from '../repo/repository.js';
import { isNotFound } from '../storage/errors.js';
import type { Storage } from '../storage/port.js';
import { type KmsEnv, unlockProviders } from './unlock.js';

export interface ReposDeps {
  targets: TargetStore;
  keychain: Keychain;
  opener: StorageOpener;
  clock: Clock;
  kms: KmsEnv;
}

export class Repos {
  constructor(private readonly d: ReposDeps) {}

  target(id: string): StorageTarget {
    return this.d.targets.get(id);
  }

  async credentials(t: StorageTarget): Promise<StorageCredentials | undefined> {
    if (!t.credentialsEntry) return undefined;
    const raw = await this.d.keychain.get(t.credentialsEntry);
    if (!raw) {
      throw new AppError(
        'CONFIG',
        `The credentials of storage target "${t.name}" are missing from the OS keychain.`,
        {
          hint: 'Enter them again in Settings > Storage.',
        },
      );
    }
    const creds = StorageCredentials.parse(JSON.parse(raw));
    for (const v of Object.values(creds)) if (typeof v === 'string' && v !== creds.kind) registerSecret(v);
    return creds;
  }

  async storage(targetId: string): Promise<{ target: StorageTarget; storage: Storage }> {
    const target = this.target(targetId);
    const storage = await this.d.opener.open(target, await this.credentials(target));
    return { target, storage };
  }

  /** Whether the target holds a repository (its config object exists). */
  async initialized(storage: Storage, signal?: AbortSignal): Promise<boolean> {
    try {
      await storage.stat(CONFIG, signal ? { signal } : {});
      return true;
    } catch (e) {
      if (isNotFound(e) || isAppError(e, 'NOT_FOUND')) return false;
      throw e;
    }
  }

  unlock() {
    return unlockProviders(this.d.keychain, this.d.kms, this.d.clock);
  }

  async open(
    targetId: string,
    opts: { signal?: AbortSignal; loadIndex?: boolean } = {},
  ): Promise<Repository> {
    const { target, storage } = await this.storage(targetId);
    try {
      return await Repository.open(storage, {
        unlock: this.unlock(),
        clock: this.d.clock,
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.loadIndex === false ? { loadIndex: false } : {}),
      });
    } catch (e) {
      await storage.close?.().catch(() => {});
      if (isAppError(e, 'NOT_FOUND')) throw notInitialized(target);
      throw e;
    }
  }

  async with<T>(
    targetId: string,
    fn: (repo: Repository) => Promise<T>,
    opts: { signal?: AbortSignal; loadIndex?: boolean } = {},
  ): Promise<T> {
    const repo = await this.open(targetId, opts);
    try {
      return await fn(repo);
    } finally {
      await repo.close().catch(() => {});
    }
  }
}

export function notInitialized(t: StorageTarget): AppError {
  return new AppError(
    'CONFIG',
    `Storage target "${t.name}" (${t.location}) has no encrypted repository yet.`,
    {
      hint: 'Create it in Settings > Keys and rotation ("Create encrypted repository").',
    },
  );
}
