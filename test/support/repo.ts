/** Opens real repositories on a local directory for engine tests (low scrypt cost for speed). */
import { PassphraseKekProvider } from '../../src/main/crypto/slots/passphrase.js';
import type { Clock } from '../../src/main/platform/clock.js';
import { Repository } from '../../src/main/repo/repository.js';
import { LocalStorage } from '../../src/main/storage/local.js';
import type { Storage } from '../../src/main/storage/port.js';

export const fastPass = (p = 'test-pass') => new PassphraseKekProvider(p, { N: 1024, r: 8, p: 1 });

export async function initRepo(dirOrStorage: string | Storage, clock?: Clock): Promise<Repository> {
  const storage = typeof dirOrStorage === 'string' ? new LocalStorage(dirOrStorage) : dirOrStorage;
  const { repo } = await Repository.init(storage, { slots: [fastPass()], ...(clock ? { clock } : {}) });
  return repo;
}

export async function openRepo(
  dirOrStorage: string | Storage,
  clock?: Clock,
  pass = 'test-pass',
): Promise<Repository> {
  const storage = typeof dirOrStorage === 'string' ? new LocalStorage(dirOrStorage) : dirOrStorage;
  return Repository.open(storage, { unlock: [fastPass(pass)], ...(clock ? { clock } : {}) });
}
