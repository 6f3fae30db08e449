/** Documented exit codes (README "Exit codes"). */
import type { ErrorCode } from '../platform/errors.js';

export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  warnings: 3,
  noRepository: 10,
  locked: 11,
  key: 12,
  integrity: 13,
  cancelled: 130,
} as const;

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'INVALID_INPUT':
      return EXIT.usage;
    case 'NOT_FOUND':
      return EXIT.failure;
    case 'LOCKED':
      return EXIT.locked;
    case 'WRONG_KEY':
    case 'KEYCHAIN_UNAVAILABLE':
    case 'KMS_UNAVAILABLE':
      return EXIT.key;
    case 'INTEGRITY':
      return EXIT.integrity;
    case 'CANCELLED':
      return EXIT.cancelled;
    default:
      return EXIT.failure;
  }
}
