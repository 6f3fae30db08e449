/** Session tokens: 256 random bits, given to the client once; only sha256(token) is stored. */
import { createHash, randomBytes } from 'node:crypto';

export const SESSION_ABSOLUTE_MS = 12 * 60 * 60_000;
export const STEP_UP_MS = 5 * 60_000;

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
