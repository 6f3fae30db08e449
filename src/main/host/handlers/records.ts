/** Restore-test records and due dates; the audit log. */
import type { auditCalls } from '../../../shared/contract/audit.js';
import { RESTORE_TEST_KINDS_ORDER, type restoreTestsCalls } from '../../../shared/contract/restoreTests.js';
import { exportAuditToStorage, replicatedUpTo, toCsv, toJsonl } from '../../audit/export.js';
import { newId } from '../../catalog/ids.js';
import { RESTORE_TEST_CADENCE_DAYS } from '../../catalog/restoreTests.js';
import { actorOf, type HandlerMap, port } from '../context.js';
import { storageCredentials } from './settings.js';

const DAY = 86_400_000;

export const restoreTestsHandlers: HandlerMap<keyof typeof restoreTestsCalls> = {
  'restoreTests.list': async (i, ctx) => ctx.svc.stores.restoreTests.list(i.kind, i.limit),
  'restoreTests.due': async (_i, ctx) => {
    const now = ctx.svc.clock.now();
    return RESTORE_TEST_KINDS_ORDER.map((kind) => {
      const everyDays = RESTORE_TEST_CADENCE_DAYS[kind];
      const last = ctx.svc.stores.restoreTests.lastOf(kind);
      const dueAt = new Date(last ? new Date(last.finishedAt).getTime() + everyDays * DAY : now.getTime());
      return {
        kind,
        everyDays,
        ...(last ? { lastAt: last.finishedAt, lastOutcome: last.outcome } : {}),
        dueAt: dueAt.toISOString(),
        overdue: dueAt <= now,
      };
    });
  },
  'restoreTests.run': async (i, ctx) => {
    ctx.svc.stores.targets.get(i.targetId);
    if (i.profileId) ctx.svc.stores.profiles.get(i.profileId);
    return port(ctx, 'restore').runTest(i, actorOf(ctx));
  },
  'restoreTests.record': async (i, ctx) => {
    ctx.svc.stores.targets.get(i.targetId);
    const rec = ctx.svc.stores.restoreTests.insert({
      id: newId(),
      kind: i.kind,
      targetId: i.targetId,
      snapshotId: i.snapshotId,
      ...(i.jobId ? { jobId: i.jobId } : {}),
      startedAt: i.startedAt,
      finishedAt: i.finishedAt,
      outcome: i.outcome,
      checks: i.checks,
      notes: i.notes,
      issues: i.issues,
      recordedBy: actorOf(ctx).username,
    });
    ctx.svc.bus.emit('dashboard.invalidate', { topics: ['restoreTests'] });
    return rec;
  },
};

export const auditHandlers: HandlerMap<keyof typeof auditCalls> = {
  'audit.list': async (i, ctx) => ctx.svc.audit.list(i),
  'audit.verify': async (_i, ctx) => ctx.svc.audit.verify(),
  'audit.export': async (i, ctx) => {
    const entries = ctx.svc.audit.range(i.fromSeq);
    const stamp = ctx.svc.clock.now().toISOString().replace(/[:.]/g, '-');
    return i.format === 'csv'
      ? { filename: `mvono-audit-${stamp}.csv`, mediaType: 'text/csv', content: toCsv(entries) }
      : {
          filename: `mvono-audit-${stamp}.jsonl`,
          mediaType: 'application/x-ndjson',
          content: toJsonl(entries),
        };
  },
  'audit.replicate': async (i, ctx) => {
    const target = ctx.svc.stores.targets.get(i.targetId);
    const storage = await port(ctx, 'storage').open(target, await storageCredentials(ctx, target));
    try {
      const from = (await replicatedUpTo(storage)) + 1;
      return await exportAuditToStorage(storage, from, ctx.svc.audit);
    } finally {
      await storage.close?.();
    }
  },
};
