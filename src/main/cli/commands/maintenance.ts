/** check, forget, prune, unlock */
import { check } from '../../engine/check/check.js';
import { forget } from '../../engine/forget/forget.js';
import type { RetentionPolicy } from '../../engine/forget/policy.js';
import { prune } from '../../engine/prune/prune.js';
import { AppError } from '../../platform/errors.js';
import { isStale, listLocks } from '../../repo/lock.js';
import type { Command } from '../command.js';
import { num, str, strs } from '../command.js';
import { emit, openRepo } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { humanBytes } from '../output.js';

export const checkCmd: Command = {
  name: 'check',
  summary: 'verify the repository (structure; with --read-data-subset also the data)',
  usage: 'check [--read-data-subset N%]',
  options: { 'read-data-subset': { type: 'string' } },
  async run(ctx, _a, v) {
    const subset = str(v, 'read-data-subset');
    let pct = 0;
    if (subset !== undefined) {
      const m = /^(\d+(?:\.\d+)?)%$/.exec(subset);
      if (!m || Number(m[1]) > 100)
        throw new AppError(
          'INVALID_INPUT',
          `--read-data-subset takes a percentage like 10% or 100%, got "${subset}".`,
        );
      pct = Number(m[1]);
    }
    const repo = await openRepo(ctx);
    const r = await check(repo, { readDataPercent: pct, signal: ctx.signal, progress: ctx.progress });
    ctx.progress.clear();
    emit(ctx, r, () => {
      const lines = [
        `Checked ${r.snapshots} snapshots, ${r.packs} packs (${r.packsRead} read in full).`,
        r.orphanPacks
          ? `${r.orphanPacks} unreferenced pack(s) (left by interrupted backups; \`prune\` removes them).`
          : '',
      ];
      if (r.ok) lines.push('No errors were found.');
      else {
        lines.push(`${r.problems.length} problem(s):`);
        for (const p of r.problems.slice(0, 50)) lines.push(`  ${p.kind}: ${p.message}`);
        for (const a of r.affected) {
          lines.push(`Snapshot ${a.snapshot.slice(0, 8)} (${a.time}) is affected in:`);
          for (const p of a.paths.slice(0, 20)) lines.push(`  /${p}`);
        }
      }
      return lines.filter(Boolean).join('\n');
    });
    return r.ok ? EXIT.ok : EXIT.integrity;
  },
};

export const forgetCmd: Command = {
  name: 'forget',
  summary: 'remove snapshots by a retention policy',
  usage:
    'forget [--keep-last N] [--keep-hourly N] [--keep-daily N] [--keep-weekly N] [--keep-monthly N] [--keep-yearly N] [--keep-within 30d] [--keep-tag T] [--plan P] [--time-zone Africa/Nairobi] [--dry-run] [--prune]',
  options: {
    'keep-last': { type: 'string' },
    'keep-hourly': { type: 'string' },
    'keep-daily': { type: 'string' },
    'keep-weekly': { type: 'string' },
    'keep-monthly': { type: 'string' },
    'keep-yearly': { type: 'string' },
    'keep-within': { type: 'string' },
    'keep-tag': { type: 'string', multiple: true },
    plan: { type: 'string' },
    'time-zone': { type: 'string' },
    'dry-run': { type: 'boolean' },
    prune: { type: 'boolean' },
  },
  async run(ctx, _a, v) {
    const policy: RetentionPolicy = {};
    const n = (k: string) => num(v, k);
    if (n('keep-last') !== undefined) policy.keepLast = n('keep-last');
    if (n('keep-hourly') !== undefined) policy.keepHourly = n('keep-hourly');
    if (n('keep-daily') !== undefined) policy.keepDaily = n('keep-daily');
    if (n('keep-weekly') !== undefined) policy.keepWeekly = n('keep-weekly');
    if (n('keep-monthly') !== undefined) policy.keepMonthly = n('keep-monthly');
    if (n('keep-yearly') !== undefined) policy.keepYearly = n('keep-yearly');
    if (str(v, 'keep-within')) policy.keepWithin = str(v, 'keep-within');
    if (strs(v, 'keep-tag').length) policy.keepTags = strs(v, 'keep-tag');
    const repo = await openRepo(ctx);
    const dryRun = v['dry-run'] === true;
    const groups = await forget(repo, {
      policy,
      timeZone: str(v, 'time-zone') ?? 'Africa/Nairobi',
      ...(str(v, 'plan') ? { plan: str(v, 'plan') } : {}),
      dryRun,
      signal: ctx.signal,
    });
    const removed = groups.flatMap((g) => g.decisions.filter((d) => !d.keep)).length;
    emit(
      ctx,
      groups.map((g) => ({
        ...g,
        decisions: g.decisions.map((d) => ({
          id: d.snapshot.id,
          time: d.snapshot.time,
          keep: d.keep,
          reasons: d.reasons,
        })),
      })),
      () =>
        groups
          .map((g) =>
            [
              `Host ${g.hostname}, plan ${g.plan ?? '(none)'}:`,
              ...g.decisions.map(
                (d) =>
                  `  ${d.keep ? 'keep  ' : 'remove'} ${d.snapshot.id.slice(0, 8)} ${d.snapshot.time}  ${d.reasons.join(', ')}`,
              ),
            ].join('\n'),
          )
          .concat(`${dryRun ? 'Would remove' : 'Removed'} ${removed} snapshot(s).`)
          .join('\n'),
    );
    if (v.prune === true && !dryRun && removed > 0) {
      const r = await prune(repo, { signal: ctx.signal, progress: ctx.progress });
      ctx.progress.clear();
      emit(
        ctx,
        r,
        () =>
          `Pruned: ${r.packsDeleted + r.orphanPacksDeleted} packs deleted, ${r.packsRepacked} repacked, ${humanBytes(r.bytesFreed)} freed.`,
      );
    }
    return EXIT.ok;
  },
};

export const pruneCmd: Command = {
  name: 'prune',
  summary: 'delete data no snapshot uses (takes the exclusive lock)',
  usage: 'prune [--dry-run] [--max-unused 20%]',
  options: { 'dry-run': { type: 'boolean' }, 'max-unused': { type: 'string' } },
  async run(ctx, _a, v) {
    const mu = str(v, 'max-unused');
    const m = mu === undefined ? undefined : /^(\d+)%$/.exec(mu);
    if (mu !== undefined && !m)
      throw new AppError('INVALID_INPUT', `--max-unused takes a percentage like 20%, got "${mu}".`);
    const repo = await openRepo(ctx);
    const r = await prune(repo, {
      dryRun: v['dry-run'] === true,
      ...(m ? { maxUnusedShare: Number(m[1]) / 100 } : {}),
      signal: ctx.signal,
      progress: ctx.progress,
    });
    ctx.progress.clear();
    emit(
      ctx,
      r,
      () =>
        `${r.dryRun ? 'Would delete' : 'Deleted'} ${r.packsDeleted} unused and ${r.orphanPacksDeleted} orphan pack(s), repacked ${r.packsRepacked}, freeing ${humanBytes(r.bytesFreed)}.`,
    );
    return EXIT.ok;
  },
};

export const unlockCmd: Command = {
  name: 'unlock',
  summary: 'list locks; remove stale ones',
  usage: 'unlock [--remove-stale]',
  options: { 'remove-stale': { type: 'boolean' } },
  async run(ctx, _a, v) {
    const repo = await openRepo(ctx, { loadIndex: false });
    const now = repo.clock.now();
    const locks = await listLocks(repo.storage, repo.keys.enc, ctx.signal);
    let removed = 0;
    for (const l of locks) {
      if (v['remove-stale'] === true && isStale(l.info, now)) {
        await repo.storage.delete(`locks/${l.id}`);
        removed++;
      }
    }
    emit(ctx, { locks: locks.map((l) => ({ ...l.info, stale: isStale(l.info, now) })), removed }, () =>
      locks.length === 0
        ? 'No locks.'
        : locks
            .map(
              (l) =>
                `${l.info.exclusive ? 'exclusive' : 'shared   '} ${l.info.hostname} pid ${l.info.pid} ${l.info.time} ${l.info.purpose}${isStale(l.info, now) ? ' (stale)' : ''}`,
            )
            .concat(removed ? [`Removed ${removed} stale lock(s).`] : [])
            .join('\n'),
    );
    return EXIT.ok;
  },
};
