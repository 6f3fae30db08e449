/** Pure helpers of the dispatcher: input error messages, audit targets, error mapping. */
import type { z } from 'zod';
import type { ApiErrorShape } from '../../shared/contract/errors.js';
import { AppError, toAppError } from '../platform/errors.js';

/** "Invalid input: schedule.timeZone: must be an IANA time zone …" — names the field(s). */
export function inputError(method: string, err: z.ZodError): AppError {
  const parts = err.issues.slice(0, 3).map((i) => {
    const path = i.path.map(String).join('.');
    if (i.code === 'unrecognized_keys')
      return `unknown field(s) ${i.keys.map((k) => `"${k}"`).join(', ')}${path ? ` in ${path}` : ''}`;
    return `${path || '(input)'}: ${i.message}`;
  });
  const more = err.issues.length > 3 ? ` (and ${err.issues.length - 3} more)` : '';
  return new AppError('INVALID_INPUT', `Invalid input for ${method}: ${parts.join('; ')}${more}.`, {
    hint: 'Correct the named field(s) and try again.',
  });
}

const TARGET_KEYS = ['id', 'requestId', 'incidentId', 'targetId', 'username', 'enrollmentId'] as const;

/** What an audited call acts on, for the audit entry's `target` column. */
export function auditTarget(input: unknown): string {
  if (!input || typeof input !== 'object') return '';
  const o = input as Record<string, unknown>;
  const parts: string[] = [];
  for (const k of TARGET_KEYS)
    if (typeof o[k] === 'string' && k !== 'enrollmentId') parts.push(`${k}=${o[k]}`);
  const req = o.request;
  if (req && typeof req === 'object') {
    const r = req as Record<string, unknown>;
    if (typeof r.targetId === 'string') parts.push(`targetId=${r.targetId}`);
    if (typeof r.snapshotId === 'string') parts.push(`snapshot=${r.snapshotId}`);
  }
  if (typeof o.snapshotId === 'string') parts.push(`snapshot=${o.snapshotId}`);
  return parts.join(' ').slice(0, 300);
}

/** What may leave the host for an error: code, message, hint. Unknown errors become INTERNAL. */
export function toApiError(e: unknown): ApiErrorShape {
  const a = toAppError(e);
  if (a.code === 'INTERNAL') {
    return {
      code: 'INTERNAL',
      message: 'Unexpected internal error.',
      hint: 'Try again; if it persists, send the log file to support.',
    };
  }
  return a.hint === undefined
    ? { code: a.code, message: a.message }
    : { code: a.code, message: a.message, hint: a.hint };
}
