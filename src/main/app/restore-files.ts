/**
 * File parts of a restore: into a staging directory (engine restore), or back to the original
 * locations (safety snapshot of what is there now, restore into MVONO_HOME/tmp, copy into place).
 */
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RestoreScope } from '../../shared/contract/restore.js';
import { backup } from '../engine/backup/backup.js';
import { restore } from '../engine/restore/restore.js';
import { AppError } from '../platform/errors.js';
import type { Repository } from '../repo/repository.js';
import type { SnapshotManifest } from '../repo/snapshot.js';
import type { RunCtx } from './backup-run.js';

type FileComponent = Extract<SnapshotManifest['components'][number], { paths: string[] }>;

export function fileComponents(snap: SnapshotManifest): FileComponent[] {
  return snap.components.filter((c): c is FileComponent => c.type === 'files' || c.type === 'config');
}

/** Include globs for a scope (undefined = no file part). */
export function fileIncludes(snap: SnapshotManifest, scope: RestoreScope): string[] | undefined {
  const names = fileComponents(snap).map((c) => c.name);
  if (scope.kind === 'database') return undefined;
  if (scope.kind === 'selective') return scope.include;
  if (scope.kind === 'files' && scope.include.length > 0) return scope.include;
  return names.length > 0 ? names : undefined;
}

function check(res: { errors: { path: string; message: string }[] }): void {
  if (res.errors.length > 0) {
    throw new AppError(
      'INTEGRITY',
      `${res.errors.length} file(s) could not be restored (first: ${res.errors[0]?.path}).`,
      {
        hint: 'Run a repository check and restore those files from another snapshot or target.',
      },
    );
  }
}

export async function restoreFilesTo(
  repo: Repository,
  snap: SnapshotManifest,
  include: string[],
  directory: string,
  ctx: RunCtx,
) {
  const res = await restore(repo, snap, {
    target: directory,
    include,
    signal: ctx.signal,
    progress: ctx.progress,
  });
  check(res);
  return res;
}

export async function restoreFilesInPlace(
  repo: Repository,
  snap: SnapshotManifest,
  include: string[],
  tmpRoot: string,
  ctx: RunCtx,
): Promise<{ files: number; bytes: number; safetySnapshot?: string }> {
  const comps = fileComponents(snap)
    .map((c) => ({ type: c.type, name: c.name, paths: c.paths.filter((p) => existsSync(p)) }))
    .filter((c) => c.paths.length > 0);
  let safetySnapshot: string | undefined;
  if (comps.length > 0) {
    ctx.log('info', 'Taking a safety snapshot of the files as they are now.');
    const safety = await backup(repo, {
      components: comps,
      kind: 'safety',
      name: `Pre-restore safety snapshot (restore of ${snap.id.slice(0, 8)})`,
      tags: ['pre-restore', `restore-of:${snap.id.slice(0, 8)}`],
      parent: null,
      signal: ctx.signal,
      progress: ctx.progress,
    });
    safetySnapshot = safety.snapshot.id;
    ctx.log('info', `Safety snapshot ${safetySnapshot.slice(0, 8)} written.`);
  }
  const tmp = await mkdtemp(join(tmpRoot, 'restore-'));
  try {
    const res = await restoreFilesTo(repo, snap, include, tmp, ctx);
    for (const c of fileComponents(snap)) {
      const src = join(tmp, c.name);
      if (!existsSync(src)) continue;
      try {
        await cp(src, '/', { recursive: true, force: true, preserveTimestamps: true });
      } catch (cause) {
        throw new AppError(
          'PERMISSION_DENIED',
          `Could not write the files of "${c.name}" to their original places.`,
          {
            hint: 'Run the console as a user that may write there, or restore to a staging directory.',
            cause,
          },
        );
      }
      ctx.log('info', `Restored "${c.name}" to ${c.paths.join(', ')}.`);
    }
    return { files: res.files, bytes: res.bytes, ...(safetySnapshot ? { safetySnapshot } : {}) };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
