/**
 * How the CLI reads a repository location and a secret file. Shared by the commands (context.ts)
 * and by the entry point's early start (early.ts), which runs before the other modules load: so
 * only node: modules and platform/errors here.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { AppError } from '../platform/errors.js';

/** An object-store location (s3://, gs://) rather than a directory. */
export function isCloudSpec(spec: string): boolean {
  return /^(s3|gs):\/\//.test(spec);
}

/** The absolute directory of a local repository location (`dir` or `local:dir`). */
export function localRepoPath(spec: string): string {
  const path = spec.startsWith('local:') ? spec.slice('local:'.length) : spec;
  return isAbsolute(path) ? path : resolve(path);
}

/** A secret file's text without its final newline; INVALID_INPUT naming the file if unreadable. */
export function readSecretFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch {
    throw new AppError('INVALID_INPUT', `Cannot read the ${what} file ${path}.`, {
      hint: 'Check the path and its permissions.',
    });
  }
}
