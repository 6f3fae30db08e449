/**
 * Errors with a stable `code`, an operator-readable `message` and a `hint` (what to do).
 * Messages never carry secrets: callers pass names of things (bucket, key id, path), never values.
 * Expected failures are AppErrors; anything else is a bug and is reported as INTERNAL.
 */
export type ErrorCode =
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'PERMISSION_DENIED'
  | 'TRANSIENT'
  | 'INTEGRITY'
  | 'CANCELLED'
  | 'INVALID_INPUT'
  | 'CONFIG'
  | 'WRONG_KEY'
  | 'KEYCHAIN_UNAVAILABLE'
  | 'KMS_UNAVAILABLE'
  | 'UNSUPPORTED_FORMAT'
  | 'LOCKED'
  | 'NO_SPACE'
  | 'SOURCE_FAILED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'MFA_REQUIRED'
  | 'CONFLICT'
  | 'INTERNAL';

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  constructor(code: ErrorCode, message: string, opts: { hint?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.hint = opts.hint;
  }

  /** What may leave the process: code, message, hint. Never the cause (it may carry secrets). */
  toJSON(): { code: ErrorCode; message: string; hint?: string } {
    return this.hint === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, hint: this.hint };
  }
}

export function isAppError(e: unknown, code?: ErrorCode): e is AppError {
  return e instanceof AppError && (code === undefined || e.code === code);
}

/** Turns anything thrown into an AppError without leaking an unknown error's text. */
export function toAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  if (e instanceof Error && e.name === 'AbortError')
    return new AppError('CANCELLED', 'The operation was cancelled.');
  return new AppError('INTERNAL', 'Unexpected internal error; see the job log for details.', { cause: e });
}

export function cancelled(): AppError {
  return new AppError('CANCELLED', 'The operation was cancelled.');
}

/** Throws CANCELLED if the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelled();
}
