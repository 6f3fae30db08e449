/** init, snapshots, ls, diff, stats */
import { hostname } from 'node:os';
import { KeychainKekProvider } from '../../crypto/slots/keychain.js';
import { PassphraseKekProvider } from '../../crypto/slots/passphrase.js';
import type { KekProvider } from '../../crypto/slots/port.js';
import { RecoveryKekProvider } from '../../crypto/slots/recovery.js';
import { diff } from '../../engine/diff.js';
import { stats } from '../../engine/stats.js';
import { walkTree } from '../../engine/walk.js';
import { AppError } from '../../platform/errors.js';
import { OsKeychain } from '../../platform/keychain.js';
import { Repository } from '../../repo/repository.js';
import { DEFAULT_TIME_ZONE } from '../../scheduler/policy.js';
import { formatZoned } from '../../scheduler/time-format.js';
import type { Command } from '../command.js';
import { emit, openRepo, passphrase, repoSpec, storageFor } from '../context.js';
import { humanBytes } from '../output.js';

export const init: Command = {
  name: 'init',
  summary: 'create a new encrypted repository',
  usage: 'init [--repo R] [--password-file F] [--no-keychain] [--kms-key ID --kms-region REGION]',
  options: {
    'kms-key': { type: 'string' },
    'kms-region': { type: 'string' },
    'kms-endpoint': { type: 'string' },
  },
  async run(ctx, _args, v) {
    const slots: KekProvider[] = [];
    if (!ctx.values['no-keychain']) slots.push(new KeychainKekProvider(new OsKeychain()));
    const pass = passphrase(ctx);
    if (pass !== undefined) slots.push(new PassphraseKekProvider(pass));
    if (typeof v['kms-key'] === 'string') {
      const { kmsProviderFromOptions } = await import('./kms.js');
      slots.push(await kmsProviderFromOptions(v, (m) => ctx.progress.log('warn', m)));
    }
    if (slots.length === 0) {
      throw new AppError(
        'INVALID_INPUT',
        'With --no-keychain the repository needs a passphrase or a KMS key.',
        {
          hint: 'Give --password-file / MVONO_BACKUP_PASSWORD or --kms-key.',
        },
      );
    }
    slots.push(new RecoveryKekProvider());
    const storage = await storageFor(repoSpec(ctx), (m) => ctx.progress.log('warn', m));
    const { repo, revealed } = await Repository.init(storage, { slots });
    const recovery = revealed.find((r) => r.type === 'recovery')?.text;
    emit(
      ctx,
      { id: repo.id, location: storage.location, slots: slots.map((s) => s.type), recoveryKey: recovery },
      () =>
        [
          `Created repository ${repo.id.slice(0, 12)} at ${storage.location}`,
          `Key slots: ${slots.map((s) => s.type).join(', ')}`,
          '',
          'RECOVERY KEY (shown once; print it and keep it offline; it opens the repository when the',
          'keychain, the passphrase and AWS KMS are all unavailable):',
          '',
          `    ${recovery}`,
          '',
        ].join('\n'),
    );
    return 0;
  },
};

export const snapshots: Command = {
  name: 'snapshots',
  summary: 'list snapshots',
  usage: 'snapshots [--plan P] [--tag T] [--time-zone Z] [--json]',
  options: {
    plan: { type: 'string' },
    tag: { type: 'string', multiple: true },
    'time-zone': { type: 'string' },
  },
  async run(ctx, _args, v) {
    // Times are shown in the plans' zone (the procedure's, unless set); --json keeps UTC ISO times.
    const zone = timeZoneOf((v['time-zone'] as string | undefined) ?? ctx.env.MVONO_TIME_ZONE);
    const repo = await openRepo(ctx);
    const tags = (v.tag as string[] | undefined) ?? [];
    const list = (await repo.listSnapshots(ctx.signal)).filter(
      (s) => (v.plan === undefined || s.plan === v.plan) && tags.every((t) => s.tags.includes(t)),
    );
    emit(ctx, list, () => {
      if (list.length === 0) return 'No snapshots.';
      const times = list.map((s) => formatZoned(new Date(s.time), zone));
      const width = Math.max(4, ...times.map((t) => t.length));
      const hostWidth = Math.max(4, ...list.map((s) => s.hostname.length));
      const rows = list.map((s, i) =>
        [
          s.id.slice(0, 8),
          (times[i] as string).padEnd(width),
          s.hostname.padEnd(hostWidth),
          (s.name ?? s.plan ?? s.kind).slice(0, 32).padEnd(32),
          s.components.map((c) => c.name).join(','),
          humanBytes(s.summary.bytes),
        ].join('  '),
      );
      return [
        `ID        ${'Time'.padEnd(width)}  ${'Host'.padEnd(hostWidth)}  Name/plan                         Components  Size`,
        ...rows,
      ].join('\n');
    });
    return 0;
  },
};

export const ls: Command = {
  name: 'ls',
  summary: 'list the files in a snapshot',
  usage: 'ls <snapshot> [path-prefix] [--json]',
  async run(ctx, args) {
    const [ref, prefix] = args;
    if (!ref) throw new AppError('INVALID_INPUT', 'Which snapshot? Give its id or "latest".');
    const repo = await openRepo(ctx);
    const snap = await repo.findSnapshot(ref, ctx.signal);
    const clean = (prefix ?? '').replace(/^\/+|\/+$/g, '');
    const rows: { path: string; type: string; size?: number; mode: number }[] = [];
    await walkTree(repo, snap.tree, (path, n) => {
      if (!clean || path === clean || path.startsWith(`${clean}/`)) {
        rows.push({
          path: `/${path}`,
          type: n.type,
          ...(n.size !== undefined ? { size: n.size } : {}),
          mode: n.mode,
        });
      }
    });
    emit(ctx, rows, () =>
      rows
        .map(
          (r) =>
            `${r.type === 'dir' ? 'd' : r.type === 'symlink' ? 'l' : '-'} ${(r.size ?? 0).toString().padStart(12)} ${r.path}`,
        )
        .join('\n'),
    );
    return 0;
  },
};

export const diffCmd: Command = {
  name: 'diff',
  summary: 'show what changed between two snapshots',
  usage: 'diff <snapshotA> <snapshotB>',
  async run(ctx, args) {
    if (args.length !== 2) throw new AppError('INVALID_INPUT', 'diff needs two snapshot ids.');
    const repo = await openRepo(ctx);
    const a = await repo.findSnapshot(args[0]!, ctx.signal);
    const b = await repo.findSnapshot(args[1]!, ctx.signal);
    const d = await diff(repo, a.tree, b.tree);
    emit(ctx, d, () => (d.length ? d.map((e) => `${e.change}  ${e.path}`).join('\n') : 'No differences.'));
    return 0;
  },
};

export const statsCmd: Command = {
  name: 'stats',
  summary: 'repository size and deduplication',
  usage: 'stats [--json]',
  async run(ctx) {
    const repo = await openRepo(ctx);
    const s = await stats(repo, ctx.signal);
    emit(ctx, { ...s, host: hostname() }, () =>
      [
        `Snapshots:        ${s.snapshots}`,
        `Packs:            ${s.packs}`,
        `Blobs:            ${s.blobs}`,
        `Stored (on disk): ${humanBytes(s.storedBytes)}`,
        `Unique data:      ${humanBytes(s.uniqueRawBytes)}`,
        `All snapshots:    ${humanBytes(s.totalFileBytes)}`,
        `Dedup ratio:      ${s.dedupRatio.toFixed(2)}x`,
      ].join('\n'),
    );
    return 0;
  },
};

/** An IANA time zone name, checked; the procedure's zone when none is given. */
function timeZoneOf(given: string | undefined): string {
  const zone = given?.trim() || DEFAULT_TIME_ZONE;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new AppError('INVALID_INPUT', `Unknown time zone "${zone}".`, {
      hint: 'Give an IANA zone name such as Africa/Nairobi or UTC.',
    });
  }
  return zone;
}
