/**
 * Incidents and the two-person rule: on-call requests a restore to production for an incident;
 * an administrator signs in on the same console (password + TOTP, the on-call session stays) and
 * approves that request; the approval is bound to the request id and the hash of its parameters,
 * expires, and is used once.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { emergencyCalls } from '../../../shared/contract/emergency.js';
import type { RestoreRequest } from '../../../shared/contract/restore.js';
import { canonicalJson } from '../../audit/canonical.js';
import { publicApproval } from '../../catalog/approvals.js';
import { newId } from '../../catalog/ids.js';
import { AppError } from '../../platform/errors.js';
import { actorOf, type HandlerMap, nowIso, port } from '../context.js';

export function approvalParamsHash(requestId: string, incidentId: string, request: RestoreRequest): string {
  return createHash('sha256').update(canonicalJson({ requestId, incidentId, request })).digest('hex');
}

export const emergencyHandlers: HandlerMap<keyof typeof emergencyCalls> = {
  'incidents.list': async (i, ctx) => ctx.svc.stores.incidents.list(i.status),
  'incidents.get': async (i, ctx) => ctx.svc.stores.incidents.get(i.id),
  'incidents.open': async (i, ctx) =>
    ctx.svc.stores.incidents.insert({
      id: newId(),
      ...i,
      status: 'open',
      openedBy: actorOf(ctx).username,
      openedAt: nowIso(ctx),
    }),
  'incidents.addNote': async (i, ctx) =>
    ctx.svc.stores.incidents.addNote(
      i.id,
      { time: nowIso(ctx), author: actorOf(ctx).username, text: i.text },
      i.status,
    ),
  'incidents.close': async (i, ctx) =>
    ctx.svc.stores.incidents.close(i.id, i.resolution, nowIso(ctx), actorOf(ctx).username),

  'emergency.requestRestore': async (i, ctx) => {
    const inc = ctx.svc.stores.incidents.get(i.incidentId);
    if (inc.status === 'closed') {
      throw new AppError('CONFLICT', `Incident "${inc.title}" is closed.`, { hint: 'Open a new incident.' });
    }
    ctx.svc.stores.targets.get(i.request.targetId);
    const requestId = randomBytes(12).toString('hex');
    ctx.svc.stores.approvals.insert({
      requestId,
      incidentId: i.incidentId,
      request: JSON.stringify(i.request),
      paramsHash: approvalParamsHash(requestId, i.incidentId, i.request),
      requestedBy: actorOf(ctx).username,
      requestedAt: nowIso(ctx),
      reason: i.reason,
    });
    ctx.svc.bus.emit('dashboard.invalidate', { topics: ['approvals'] });
    return publicApproval(ctx.svc.stores.approvals.get(requestId, ctx.svc.clock.now()));
  },
  'approvals.list': async (i, ctx) =>
    ctx.svc.stores.approvals.list(ctx.svc.clock.now(), i).map(publicApproval),
  'approvals.decide': async (i, ctx) => {
    const now = ctx.svc.clock.now();
    const a = ctx.svc.stores.approvals.get(i.requestId, now);
    if (a.state !== 'pending') {
      throw new AppError('CONFLICT', `Request ${i.requestId} is ${a.state}, not pending.`, {
        hint: 'Ask on-call to submit a new request.',
      });
    }
    const admin = await ctx.svc.auth.verifyCredentials(i.username, i.password, i.totp, 'admin');
    if (admin.username === a.requestedBy) {
      throw new AppError('FORBIDDEN', 'The person who requested a restore cannot also approve it.', {
        hint: 'A second administrator must approve.',
      });
    }
    const minutes = ctx.svc.stores.settings.get().approvalValidityMinutes;
    const ok = ctx.svc.stores.approvals.decide(i.requestId, {
      state: i.decision === 'approve' ? 'approved' : 'rejected',
      by: admin.username,
      at: now.toISOString(),
      ...(i.decision === 'approve'
        ? { expiresAt: new Date(now.getTime() + minutes * 60_000).toISOString() }
        : {}),
      ...(i.comment ? { comment: i.comment } : {}),
    });
    if (!ok) throw new AppError('CONFLICT', `Request ${i.requestId} was decided meanwhile.`);
    ctx.svc.stores.incidents.addNote(a.incidentId, {
      time: now.toISOString(),
      author: admin.username,
      text: `${i.decision === 'approve' ? 'Approved' : 'Rejected'} restore request ${i.requestId}${i.comment ? `: ${i.comment}` : ''}`,
    });
    ctx.svc.bus.emit('dashboard.invalidate', { topics: ['approvals'] });
    return publicApproval(ctx.svc.stores.approvals.get(i.requestId, now));
  },
  'approvals.cancel': async (i, ctx) => {
    const a = ctx.svc.stores.approvals.get(i.requestId, ctx.svc.clock.now());
    const me = actorOf(ctx);
    if (a.requestedBy !== me.username && me.role !== 'admin') {
      throw new AppError('FORBIDDEN', 'Only the requester or an administrator can withdraw a request.');
    }
    if (!ctx.svc.stores.approvals.cancel(i.requestId)) {
      throw new AppError('CONFLICT', `Request ${i.requestId} is ${a.state}; it cannot be withdrawn.`);
    }
    return { ok: true };
  },
  'emergency.executeRestore': async (i, ctx) => {
    const now = ctx.svc.clock.now();
    const a = ctx.svc.stores.approvals.get(i.requestId, now);
    const me = actorOf(ctx);
    if (a.state !== 'approved') {
      const hint =
        a.state === 'expired'
          ? 'The approval expired; request a new one.'
          : a.state === 'pending'
            ? 'An administrator must approve it first.'
            : 'Request a new approval.';
      throw new AppError('FORBIDDEN', `Restore request ${i.requestId} is ${a.state}, not approved.`, {
        hint,
      });
    }
    if (a.requestedBy !== me.username && me.role !== 'admin') {
      throw new AppError('FORBIDDEN', 'Only the on-call user who requested this restore can run it.');
    }
    // The approval covers exactly these parameters: recompute from what is stored.
    const stored = JSON.parse(a.rawRequest) as RestoreRequest;
    if (approvalParamsHash(a.requestId, a.incidentId, stored) !== a.paramsHash) {
      throw new AppError('INTEGRITY', `Restore request ${i.requestId} changed after it was approved.`, {
        hint: 'Request a new approval; check the audit log.',
      });
    }
    if (!ctx.svc.stores.approvals.markUsed(i.requestId)) {
      throw new AppError('CONFLICT', `Restore request ${i.requestId} is already being used.`);
    }
    try {
      const started = await port(ctx, 'restore').toProduction(
        a.request,
        { incidentId: a.incidentId, approval: { requestId: a.requestId, approvedBy: a.decidedBy ?? '' } },
        me,
      );
      ctx.svc.stores.approvals.setJob(i.requestId, started.jobId);
      ctx.svc.stores.incidents.addNote(
        a.incidentId,
        {
          time: now.toISOString(),
          author: me.username,
          text: `Emergency restore started (job ${started.jobId}).`,
        },
        'recovering',
      );
      return started;
    } catch (e) {
      ctx.svc.stores.approvals.revertUsed(i.requestId);
      throw e;
    }
  },
};
