/** Recovery codes: 10 random codes shown once; only their sha256 is stored. */
import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

function chunk(n: number): string {
  const bytes = randomBytes(n);
  let s = '';
  for (const b of bytes) s += ALPHABET[b % ALPHABET.length];
  return s;
}

export function newRecoveryCodes(count = 10): string[] {
  return Array.from({ length: count }, () => `${chunk(5)}-${chunk(5)}`);
}

export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(code.toLowerCase().replace(/-/g, '')).digest('hex');
}
