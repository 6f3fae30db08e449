/**
 * TOTP (RFC 6238, 30 s, 6 digits) via otplib, with time from the Clock and replay protection
 * (a code's time step must be newer than the last accepted one). Secrets are stored encrypted with
 * AES-256-GCM under a random key kept in the OS keychain (entry "catalog/totp-key").
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { generateSecret, generateURI, verifySync } from 'otplib';
import QRCode from 'qrcode';
import { AppError } from '../platform/errors.js';
import type { Keychain } from '../platform/keychain.js';

export const TOTP_KEY_ENTRY = 'catalog/totp-key';
export const ISSUER = 'Mvono Backup Console';
/** Accept one step either side for clock drift. */
const TOLERANCE_SECONDS = 30;

export class TotpVault {
  private key: Buffer | undefined;
  constructor(private readonly keychain: Keychain) {}

  private async getKey(): Promise<Buffer> {
    if (this.key) return this.key;
    let b64 = await this.keychain.get(TOTP_KEY_ENTRY);
    if (!b64) {
      b64 = randomBytes(32).toString('base64');
      await this.keychain.set(TOTP_KEY_ENTRY, b64);
    }
    const key = Buffer.from(b64, 'base64');
    if (key.length !== 32) {
      throw new AppError('CONFIG', `The keychain entry "${TOTP_KEY_ENTRY}" does not hold a 256-bit key.`, {
        hint: 'Reset the authenticators of all users (users.resetMfa) after restoring the entry from a backup.',
      });
    }
    this.key = key;
    return key;
  }

  async encrypt(secret: string): Promise<string> {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', await this.getKey(), iv);
    const ct = Buffer.concat([c.update(secret, 'utf8'), c.final()]);
    return `v1:${Buffer.concat([iv, c.getAuthTag(), ct]).toString('base64')}`;
  }

  async decrypt(stored: string): Promise<string> {
    try {
      const raw = Buffer.from(stored.replace(/^v1:/, ''), 'base64');
      const d = createDecipheriv('aes-256-gcm', await this.getKey(), raw.subarray(0, 12));
      d.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
    } catch (e) {
      if (e instanceof AppError) throw e;
      throw new AppError(
        'WRONG_KEY',
        'A stored authenticator secret cannot be decrypted with the keychain key.',
        {
          hint: `The keychain entry "${TOTP_KEY_ENTRY}" changed. Reset the user's authenticator (users.resetMfa).`,
          cause: e,
        },
      );
    }
  }
}

export function newTotpSecret(): string {
  return generateSecret();
}

export async function enrollmentArtifacts(
  secret: string,
  label: string,
): Promise<{ otpauthUri: string; qrDataUrl: string }> {
  const otpauthUri = generateURI({ issuer: ISSUER, label, secret });
  const qrDataUrl = await QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: 'M', margin: 1, width: 240 });
  return { otpauthUri, qrDataUrl };
}

/**
 * Checks a code at `now`. Returns the accepted time step, or undefined if wrong or replayed
 * (its step is not after `lastStep`).
 */
export function checkTotp(
  secret: string,
  token: string,
  now: Date,
  lastStep: number | null,
): number | undefined {
  const epoch = Math.floor(now.getTime() / 1000);
  const r = verifySync({
    secret,
    token,
    epoch,
    epochTolerance: TOLERANCE_SECONDS,
    ...(lastStep !== null ? { afterTimeStep: lastStep } : {}),
  });
  if (!r.valid) return undefined;
  return 'timeStep' in r && typeof r.timeStep === 'number' ? r.timeStep : Math.floor(epoch / 30);
}
