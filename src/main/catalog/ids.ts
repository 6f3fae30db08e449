import { randomBytes } from 'node:crypto';

/** A random id (16 hex digits) that matches the contract's Id schema. */
export function newId(): string {
  return randomBytes(8).toString('hex');
}
