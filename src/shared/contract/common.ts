/** Building blocks shared by the domain schemas. Validation lives here once. */
import { z } from 'zod';
import { secret } from './define.js';

export const Id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be an id made of letters, digits, "_" or "-"');

/** A snapshot id or a unique prefix of one (hex). */
export const SnapshotId = z.string().regex(/^[0-9a-f]{6,64}$/, 'must be a snapshot id (6-64 hex digits)');

export const Name = z.string().trim().min(1, 'must not be empty').max(120, 'must be at most 120 characters');
export const Text = z.string().max(10_000);
export const IsoTime = z.iso.datetime({ offset: true });

export const Username = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{1,31}$/, 'must be 2-32 lower-case letters, digits, ".", "_" or "-"');

/** A new password (policy: at least 12 characters). */
export const NewPassword = () =>
  secret(z.string().min(12, 'must be at least 12 characters').max(256, 'must be at most 256 characters'));
/** A password being checked (any length). */
export const Password = () => secret(z.string().min(1, 'is required').max(256));
export const TotpCode = () => secret(z.string().regex(/^\d{6}$/, 'must be the 6-digit code from the app'));
export const RecoveryCode = () =>
  secret(z.string().regex(/^[A-Za-z0-9]{4,5}(-?[A-Za-z0-9]{4,5}){1,3}$/, 'must be a recovery code'));

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
export const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine(isValidTimeZone, 'must be an IANA time zone such as Africa/Nairobi');

const hasTraversal = (p: string) => p.split(/[\\/]/).some((s) => s === '..') || p.includes('\0');

/** A path inside a snapshot ("files/srv/uploads"), relative, no "..", no NUL. */
export const SnapshotPath = z
  .string()
  .max(4096)
  .refine((p) => !hasTraversal(p), 'must not contain ".." segments or NUL')
  .refine((p) => !p.startsWith('/') && !p.includes('\\'), 'must be a relative path with "/" separators');

/** A glob on snapshot paths ("files/srv/**"). */
export const SnapshotGlob = SnapshotPath;

/** An absolute local path (POSIX "/srv/x" or Windows "C:\x"), no "..", no NUL. */
export const AbsolutePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !hasTraversal(p), 'must not contain ".." segments or NUL')
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), 'must be an absolute path');

/** Five-field cron (minute hour day month weekday), as croner accepts. */
export const Cron = z
  .string()
  .trim()
  .regex(/^(\S+\s+){4}\S+$/, 'must be a five-field cron expression such as "0 0 * * *"');

export const Limit = z.number().int().min(1).max(1000);

export const HostName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9._:[\]-]+$/, 'must be a host name or IP address');
export const Port = z.number().int().min(1).max(65535);
