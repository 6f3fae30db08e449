/** copy --from <repo> --to <repo> [--snapshot id...]: replicate snapshots (primary -> secondary). */
import { copySnapshots } from '../../engine/copy.js';
import { systemClock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import { Repository } from '../../repo/repository.js';
import type { Command } from '../command.js';
import { str, strs } from '../command.js';
import { emit, storageFor, unlockProviders } from '../context.js';
import { humanBytes } from '../output.js';

export const copyCmd: Command = {
  name: 'copy',
  summary: 'copy snapshots to another repository (only what it lacks; resumable)',
  usage:
    'copy --from <repo> --to <repo> [--snapshot ID...]   (source key: --from-password-file F / MVONO_BACKUP_FROM_PASSWORD, --from-recovery-key-file F; target key: the usual options)',
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    snapshot: { type: 'string', multiple: true },
    'from-password-file': { type: 'string' },
    'from-recovery-key-file': { type: 'string' },
  },
  async run(ctx, _a, v) {
    const from = str(v, 'from');
    const to = str(v, 'to') ?? ctx.values.repo ?? ctx.env.MVONO_BACKUP_REPO;
    if (!from || !to) throw new AppError('INVALID_INPUT', 'copy needs --from <repo> and --to <repo>.');
    const warn = (m: string) => ctx.progress.log('warn', m);
    const srcCtx = {
      ...ctx,
      values: {
        ...ctx.values,
        'password-file': str(v, 'from-password-file'),
        'recovery-key-file': str(v, 'from-recovery-key-file'),
      },
      env: {
        ...ctx.env,
        MVONO_BACKUP_PASSWORD: ctx.env.MVONO_BACKUP_FROM_PASSWORD ?? ctx.env.MVONO_BACKUP_PASSWORD,
        MVONO_BACKUP_RECOVERY_KEY: ctx.env.MVONO_BACKUP_FROM_RECOVERY_KEY,
      },
    };
    const src = await Repository.open(await storageFor(from, warn), {
      unlock: await unlockProviders(srcCtx),
      clock: systemClock,
      signal: ctx.signal,
    });
    const dst = await Repository.open(await storageFor(to, warn), {
      unlock: await unlockProviders(ctx),
      clock: systemClock,
      signal: ctx.signal,
    });
    const snaps = strs(v, 'snapshot');
    const r = await copySnapshots(src, dst, {
      ...(snaps.length ? { snapshots: snaps } : {}),
      signal: ctx.signal,
      progress: ctx.progress,
    });
    ctx.progress.clear();
    emit(ctx, r, () =>
      [
        ...r.copied.map((c) => `Copied ${c.source.slice(0, 8)} -> ${c.target.slice(0, 8)}`),
        r.skipped.length ? `${r.skipped.length} snapshot(s) were already in the target.` : '',
        `Uploaded ${r.blobsUploaded} new blobs (${humanBytes(r.bytesUploaded)}); every copied snapshot was verified in the target.`,
      ]
        .filter(Boolean)
        .join('\n'),
    );
    return 0;
  },
};
