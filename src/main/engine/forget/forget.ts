/**
 * forget(): applies a retention policy to the snapshots of each group (same host and plan) and
 * deletes the snapshot objects it does not keep. Data goes only with `prune`.
 */
import { AppError } from '../../platform/errors.js';
import type { Repository } from '../../repo/repository.js';
import type { SnapshotManifest } from '../../repo/snapshot.js';
import { applyRetention, type Decision, type RetentionPolicy, validatePolicy } from './policy.js';

export interface ForgetOptions {
  policy: RetentionPolicy;
  timeZone: string;
  /** Only snapshots of this plan (default: every group). */
  plan?: string;
  dryRun?: boolean;
  signal?: AbortSignal;
}

export interface ForgetGroup {
  hostname: string;
  plan: string | null;
  decisions: Decision<SnapshotManifest>[];
}

export async function forget(repo: Repository, opts: ForgetOptions): Promise<ForgetGroup[]> {
  validatePolicy(opts.policy);
  if (Object.values(opts.policy).every((v) => v === undefined || (Array.isArray(v) && v.length === 0))) {
    throw new AppError('INVALID_INPUT', 'No retention rule was given, so nothing would be kept.', {
      hint: 'Give at least one of --keep-last, --keep-daily, --keep-weekly, --keep-monthly, --keep-within.',
    });
  }
  const snaps = (await repo.listSnapshots(opts.signal)).filter(
    (s) => opts.plan === undefined || s.plan === opts.plan,
  );
  const groups = new Map<string, SnapshotManifest[]>();
  for (const s of snaps) {
    const key = JSON.stringify([s.hostname, s.plan ?? null]);
    const g = groups.get(key);
    if (g) g.push(s);
    else groups.set(key, [s]);
  }
  const out: ForgetGroup[] = [];
  for (const [key, list] of groups) {
    const [hostname, plan] = JSON.parse(key) as [string, string | null];
    const decisions = applyRetention(list, opts.policy, repo.clock.now(), opts.timeZone);
    if (!opts.dryRun) {
      for (const d of decisions) if (!d.keep) await repo.deleteSnapshot(d.snapshot.id, opts.signal);
    }
    out.push({ hostname, plan, decisions });
  }
  return out;
}
