/**
 * Helpers shared by the PostgreSQL and MariaDB sources: free-space checks, turning a failed tool
 * run into an AppError with an operator-readable message, removing partial output.
 */
import { rm, statfs } from 'node:fs/promises';
import { AppError, isAppError } from '../platform/errors.js';
import { ProcessError } from '../platform/process.js';

const NO_SPACE_RE = /no space left on device|disk full|ENOSPC|errno: 28|error 28/i;

export async function freeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}

/** Fails with NO_SPACE when `dir` has less than `need` bytes free. */
export async function requireSpace(dir: string, need: number, what: string): Promise<void> {
  const free = await freeBytes(dir);
  if (free < need) {
    throw new AppError(
      'NO_SPACE',
      `Not enough free space in ${dir} for ${what}: need about ${mb(need)}, ${mb(free)} free.`,
      {
        hint: 'Free space in the temporary directory or point the temp dir setting at a larger disk.',
      },
    );
  }
}

export function mb(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function isNoSpace(e: unknown): boolean {
  if (isAppError(e, 'NO_SPACE')) return true;
  if (e instanceof ProcessError) return NO_SPACE_RE.test(e.stderrTail);
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/**
 * Maps a tool failure to an AppError. `what` names the operation and the database, e.g.
 * 'pg_dump of database "app"'. The stderr tail is the tool's own text; tools never see the password
 * in argv, so it holds no secret, but it is still kept out of the message and put in the hint's place
 * only as its last line.
 */
export function toolError(e: unknown, what: string, dir?: string): AppError {
  if (isAppError(e)) return e;
  if (isNoSpace(e)) {
    return new AppError(
      'NO_SPACE',
      `Ran out of disk space during ${what}${dir ? ` (writing to ${dir})` : ''}.`,
      {
        hint: 'Free space in the temporary directory or point the temp dir setting at a larger disk.',
        cause: e,
      },
    );
  }
  if (e instanceof ProcessError) {
    if (e.notFound) {
      return new AppError('SOURCE_FAILED', `${e.tool} was not found, so ${what} cannot run.`, {
        hint: `Install the client tools (${e.tool}) or set the tools directory in the source settings.`,
        cause: e,
      });
    }
    const last = lastMeaningfulLine(e.stderrTail);
    return new AppError(
      'SOURCE_FAILED',
      `${what} failed: ${last || `${e.tool} exited with code ${e.exitCode}`}`,
      {
        hint: 'See the job log for the tool output.',
        cause: e,
      },
    );
  }
  const err = e as NodeJS.ErrnoException | undefined;
  if (err?.code === 'EACCES' || err?.code === 'EPERM') {
    return new AppError('PERMISSION_DENIED', `Permission denied during ${what}.`, { cause: e });
  }
  return new AppError('INTERNAL', `Unexpected failure during ${what}.`, { cause: e });
}

function lastMeaningfulLine(tail: string): string {
  const lines = tail
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^(DETAIL|HINT|LINE \d+|\^|pg_restore: warning: errors ignored)/i.test(l));
  const err = lines.filter((l) => /error|fatal|could not|failed/i.test(l));
  return (err.at(-1) ?? lines.at(-1) ?? '').slice(0, 300);
}

/** Removes partial output; never throws (cleanup must not mask the original error). */
export async function removeQuietly(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true }).catch(() => {});
}

/** Runs async work over items with at most `n` in flight. */
export async function mapLimit<T, R>(items: T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(n, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  });
  await Promise.all(workers);
  return out;
}
