/**
 * Stable error codes every call may answer with. Same list and meaning as
 * src/main/platform/errors.ts (ErrorCode); kept here so the renderer can import it without src/main.
 * A test asserts the two lists are identical.
 */
import { z } from 'zod';

export const ERROR_CODES = [
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'TRANSIENT',
  'INTEGRITY',
  'CANCELLED',
  'INVALID_INPUT',
  'CONFIG',
  'WRONG_KEY',
  'KEYCHAIN_UNAVAILABLE',
  'KMS_UNAVAILABLE',
  'UNSUPPORTED_FORMAT',
  'LOCKED',
  'NO_SPACE',
  'SOURCE_FAILED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'MFA_REQUIRED',
  'CONFLICT',
  'INTERNAL',
] as const;

export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/** What leaves the host for a failed call: never a stack, never a cause. */
export const ApiErrorSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  hint: z.string().optional(),
});
export type ApiErrorShape = z.infer<typeof ApiErrorSchema>;

/** Thrown by the typed client (src/shared/client.ts) when a call answers ok:false. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  constructor(e: ApiErrorShape) {
    super(e.message);
    this.name = 'ApiError';
    this.code = e.code;
    this.hint = e.hint;
  }
}
