/**
 * `audit verify|export`, `storage check <repo-spec>` and `schema-history`: operator tools over
 * MVONO_HOME (the catalog's audit journal, the schema-history git repository) and a storage location.
 */
import { appPaths } from '../../app/paths.js';
import { systemClock } from '../../platform/clock.js';
import { AppError, toAppError } from '../../platform/errors.js';
import { CONFIG } from '../../repo/format.js';
import { listSlots } from '../../repo/keyslots.js';
import { type Command, str } from '../command.js';
import { emit, storageFor } from '../context.js';
import { HOME_OPTION, homeOf } from './app-paths.js';

export const auditCmd: Command = {
  name: 'audit',
  summary: 'verify the audit journal hash chain, or export it (JSONL or CSV) to stdout',
  usage: 'audit verify | audit export [--format jsonl|csv] [--home DIR]',
  options: { format: { type: 'string' }, ...HOME_OPTION },
  async run(ctx, args, v) {
    const [{ openCatalog }, { AuditLog }, { toCsv, toJsonl }] = await Promise.all([
      import('../../catalog/db.js'),
      import('../../audit/log.js'),
      import('../../audit/export.js'),
    ]);
    const db = openCatalog(appPaths(homeOf(ctx, v)).catalog, { readonly: true });
    try {
      const log = new AuditLog(db, systemClock);
      if (args[0] === 'verify') {
        const r = log.verify();
        emit(ctx, r, () =>
          r.ok
            ? `Audit journal intact: ${r.entries} entries.`
            : `AUDIT JOURNAL DAMAGED at entry ${r.firstBadSeq}: ${r.reason}`,
        );
        return r.ok ? 0 : 4;
      }
      if (args[0] === 'export') {
        const format = str(v, 'format') ?? 'jsonl';
        if (format !== 'jsonl' && format !== 'csv')
          throw new AppError('INVALID_INPUT', '--format must be jsonl or csv.');
        const entries = log.range(1);
        process.stdout.write(format === 'csv' ? toCsv(entries) : toJsonl(entries));
        return 0;
      }
      throw new AppError('INVALID_INPUT', `Unknown audit subcommand "${args[0] ?? ''}".`, {
        hint: 'Use verify or export.',
      });
    } finally {
      db.close();
    }
  },
};

export const storageCmd: Command = {
  name: 'storage',
  summary: 'check a storage location: reachable, repository and key slots, and the bucket posture rules',
  usage: 'storage check <path|s3://bucket/prefix?…|gs://bucket/prefix?…>',
  async run(ctx, args) {
    if (args[0] !== 'check' || !args[1]) {
      throw new AppError('INVALID_INPUT', 'Usage: storage check <repo-spec>.');
    }
    const checks: { id: string; status: 'pass' | 'warn' | 'fail'; detail: string }[] = [];
    const storage = await storageFor(args[1], (m) =>
      checks.push({ id: 'config', status: 'warn', detail: m }),
    );
    try {
      try {
        await storage.stat(CONFIG, { signal: ctx.signal });
        const slots = await listSlots(storage, ctx.signal);
        checks.push({ id: 'reachable', status: 'pass', detail: `Reached ${storage.location}.` });
        checks.push({
          id: 'repository',
          status: 'pass',
          detail: `Encrypted repository with ${slots.length} key slot(s): ${[...new Set(slots.map((s) => s.type))].join(', ')}.`,
        });
        if (!slots.some((s) => s.type === 'kms'))
          checks.push({
            id: 'kms',
            status: 'warn',
            detail: 'No AWS KMS key slot (the procedures manage keys through KMS).',
          });
      } catch (e) {
        const err = toAppError(e);
        if (err.code === 'NOT_FOUND') {
          checks.push({ id: 'reachable', status: 'pass', detail: `Reached ${storage.location}.` });
          checks.push({
            id: 'repository',
            status: 'fail',
            detail: 'No repository here yet (mvono-backup init).',
          });
        } else checks.push({ id: 'reachable', status: 'fail', detail: err.message });
      }
    } finally {
      await storage.close?.().catch(() => {});
    }
    // The bucket's own settings, rule by rule, as the procedures require (S3 and GCS).
    if (/^(s3|gs):\/\//.test(args[1])) {
      const { checkPosture } = await import('../../storage/open.js');
      const { OsKeychain } = await import('../../platform/keychain.js');
      for (const r of await checkPosture(args[1], { keychain: new OsKeychain(), warn: () => {} })) {
        checks.push({
          id: r.id,
          status: r.status === 'unknown' ? 'warn' : r.status,
          detail: `${r.title}: ${r.detail}${r.fix ? ` Fix: ${r.fix}` : ''}`,
        });
      }
    }
    emit(ctx, checks, () =>
      checks.map((c) => `${c.status.toUpperCase().padEnd(5)} ${c.id}: ${c.detail}`).join('\n'),
    );
    return checks.some((c) => c.status === 'fail') ? 1 : 0;
  },
};

export const schemaHistoryCmd: Command = {
  name: 'schema-history',
  summary: 'list the schema-history commits (one per schema change), optionally of one database',
  usage: 'schema-history [--db name] [--kind postgres|mariadb] [--home DIR]',
  options: { db: { type: 'string' }, kind: { type: 'string' }, ...HOME_OPTION },
  async run(ctx, _args, v) {
    const db = str(v, 'db');
    const kind = str(v, 'kind') ?? 'postgres';
    if (kind !== 'postgres' && kind !== 'mariadb')
      throw new AppError('INVALID_INPUT', '--kind must be postgres or mariadb.');
    const { listSchemaHistory } = await import('../../sources/index.js');
    const entries = await listSchemaHistory(
      appPaths(homeOf(ctx, v)).schemaHistory,
      db ? { kind, database: db } : undefined,
    );
    emit(ctx, entries, () =>
      entries.length === 0
        ? 'No schema changes recorded yet.'
        : entries.map((e) => `${e.commit.slice(0, 8)}  ${e.time}  ${e.file ?? ''}  ${e.summary}`).join('\n'),
    );
    return 0;
  },
};
