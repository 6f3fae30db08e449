import { AppError, type ErrorCode } from '../platform/errors.js';

/** Storage failures. `code` is the contract: NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED,
 * TRANSIENT (retry may help), INTEGRITY (bytes are wrong), CONFIG (bucket/region/endpoint wrong),
 * NO_SPACE, CANCELLED. */
export class StorageError extends AppError {
  constructor(code: ErrorCode, message: string, opts: { hint?: string; cause?: unknown } = {}) {
    super(code, message, opts);
    this.name = 'StorageError';
  }
}

export const isNotFound = (e: unknown): boolean => e instanceof AppError && e.code === 'NOT_FOUND';
export const isAlreadyExists = (e: unknown): boolean => e instanceof AppError && e.code === 'ALREADY_EXISTS';
export const isTransient = (e: unknown): boolean => e instanceof AppError && e.code === 'TRANSIENT';
