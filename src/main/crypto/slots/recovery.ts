/**
 * The recovery key: 32 random bytes shown once at `init` as 13 groups of 4 Crockford base32
 * characters (+ a checksum group), to be printed and kept offline for the day neither the keychain
 * nor AWS KMS is available. The slot stores nothing secret: only a salt for HKDF.
 */
import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { AppError } from '../../platform/errors.js';
import type { KekProvider, NewKek, SlotContext, SlotParams } from './port.js';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function encodeRecoveryKey(key: Uint8Array): string {
  let bits = '';
  for (const b of key) bits += b.toString(2).padStart(8, '0');
  const check = createHash('sha256').update(key).digest()[0]!;
  bits += check.toString(2).padStart(8, '0');
  while (bits.length % 5 !== 0) bits += '0';
  let s = '';
  for (let i = 0; i < bits.length; i += 5) s += ALPHABET[Number.parseInt(bits.slice(i, i + 5), 2)];
  return s.match(/.{1,4}/g)!.join('-');
}

export function decodeRecoveryKey(text: string): Buffer {
  const clean = text.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  let bits = '';
  for (const ch of clean) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) throw badKey(`it contains "${ch}", which is not in a recovery key`);
    bits += v.toString(2).padStart(5, '0');
  }
  if (bits.length < 264) throw badKey('it is too short');
  const bytes = Buffer.alloc(33);
  for (let i = 0; i < 33; i++) bytes[i] = Number.parseInt(bits.slice(i * 8, i * 8 + 8), 2);
  const key = bytes.subarray(0, 32);
  if (createHash('sha256').update(key).digest()[0] !== bytes[32])
    throw badKey('its checksum does not match (a typo?)');
  return Buffer.from(key);
}

function badKey(why: string): AppError {
  return new AppError('INVALID_INPUT', `The recovery key is not valid: ${why}.`, {
    hint: 'Type the recovery key exactly as printed at `init` (groups of 4 characters; dashes optional).',
  });
}

export class RecoveryKekProvider implements KekProvider {
  readonly type = 'recovery' as const;
  /** `text`: the recovery key as typed, to open; omit to create a new one. */
  constructor(private readonly text?: string) {}
  async create(_ctx: SlotContext): Promise<NewKek> {
    const key = randomBytes(32);
    const salt = randomBytes(16);
    return {
      kek: kekFrom(key, salt),
      params: { salt: salt.toString('base64') },
      revealOnce: encodeRecoveryKey(key),
    };
  }
  async recover(params: SlotParams, _ctx: SlotContext): Promise<Uint8Array> {
    if (this.text === undefined) throw new AppError('WRONG_KEY', 'No recovery key was given.');
    return kekFrom(decodeRecoveryKey(this.text), Buffer.from(String(params.salt), 'base64'));
  }
}

function kekFrom(key: Uint8Array, salt: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', key, salt, 'mvono-backup v1 recovery', 32));
}
