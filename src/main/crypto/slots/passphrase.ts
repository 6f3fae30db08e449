/** KEK from a passphrase via scrypt (N=2^17, r=8, p=1: ~0.3 s, 128 MiB; see scrypt.ts). */
import { randomBytes } from 'node:crypto';
import { AppError } from '../../platform/errors.js';
import type { KekProvider, NewKek, SlotContext, SlotParams } from './port.js';
import { deriveScrypt } from './scrypt.js';

const DEFAULT = { N: 2 ** 17, r: 8, p: 1 };

function derive(pass: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return deriveScrypt(pass, salt, { N, r, p });
}

export class PassphraseKekProvider implements KekProvider {
  readonly type = 'passphrase' as const;
  constructor(
    private readonly passphrase: string,
    private readonly cost = DEFAULT,
  ) {
    if (passphrase.length === 0) {
      throw new AppError('INVALID_INPUT', 'The passphrase is empty.', {
        hint: 'Give a non-empty passphrase in the password file or MVONO_BACKUP_PASSWORD.',
      });
    }
  }
  async create(_ctx: SlotContext): Promise<NewKek> {
    const salt = randomBytes(16);
    const kek = await derive(this.passphrase, salt, this.cost.N, this.cost.r, this.cost.p);
    return { kek, params: { salt: salt.toString('base64'), N: this.cost.N, r: this.cost.r, p: this.cost.p } };
  }
  recover(params: SlotParams, _ctx: SlotContext): Promise<Uint8Array> {
    return derive(
      this.passphrase,
      Buffer.from(String(params.salt), 'base64'),
      Number(params.N),
      Number(params.r),
      Number(params.p),
    );
  }
}
