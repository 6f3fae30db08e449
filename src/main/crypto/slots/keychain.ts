/** KEK kept in the OS keychain (the embedded default): 32 random bytes under an entry name. */
import { randomBytes } from 'node:crypto';
import { AppError } from '../../platform/errors.js';
import type { Keychain } from '../../platform/keychain.js';
import type { KekProvider, NewKek, SlotContext, SlotParams } from './port.js';

export class KeychainKekProvider implements KekProvider {
  readonly type = 'keychain' as const;
  constructor(private readonly keychain: Keychain) {}

  static entryName(repositoryId: string, slotId: string): string {
    return `repo/${repositoryId}/slot/${slotId}`;
  }

  async create(ctx: SlotContext): Promise<NewKek> {
    const kek = randomBytes(32);
    const entry = KeychainKekProvider.entryName(ctx.repositoryId, ctx.slotId);
    await this.keychain.set(entry, kek.toString('base64'));
    return { kek, params: { entry } };
  }

  async recover(params: SlotParams, _ctx: SlotContext): Promise<Uint8Array> {
    const entry = String(params.entry);
    const v = await this.keychain.get(entry);
    if (v === undefined) {
      throw new AppError('WRONG_KEY', `The OS keychain has no entry "${entry}" for this repository.`, {
        hint: 'Open the repository with its passphrase (--password-file) or recovery key (--recovery-key-file), then `key add --keychain` to store a new one.',
      });
    }
    return Buffer.from(v, 'base64');
  }
}
