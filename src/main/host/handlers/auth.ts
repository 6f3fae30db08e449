import type { authCalls } from '../../../shared/contract/auth.js';
import type { usersCalls } from '../../../shared/contract/users.js';
import { toUser } from '../../catalog/users.js';
import { type HandlerMap, needSession } from '../context.js';

export const authHandlers: HandlerMap<keyof typeof authCalls> = {
  'auth.status': async (_i, ctx) => ({
    setupRequired: ctx.svc.auth.setupRequired(),
    ...(ctx.session ? { me: ctx.svc.auth.me(ctx.session) } : {}),
  }),
  'auth.setup': async (i, ctx) => ctx.svc.auth.setup(i),
  'auth.completeEnrollment': async (i, ctx) => {
    const r = await ctx.svc.auth.completeEnrollment(i.enrollmentId, i.totp);
    ctx.ref.token = r.token;
    return { me: r.me, recoveryCodes: r.recoveryCodes };
  },
  'auth.login': async (i, ctx) => {
    const r = await ctx.svc.auth.login(i);
    if (r.status === 'enroll') return r;
    ctx.ref.token = r.token;
    return { status: 'ok', me: r.me, recoveryCodesLeft: r.recoveryCodesLeft };
  },
  'auth.logout': async (_i, ctx) => {
    ctx.svc.auth.logout(needSession(ctx));
    ctx.ref.token = undefined;
    return { ok: true };
  },
  'auth.me': async (_i, ctx) => ctx.svc.auth.me(needSession(ctx)),
  'auth.stepUp': async (i, ctx) => ({ stepUpUntil: await ctx.svc.auth.stepUp(needSession(ctx), i.totp) }),
  'auth.changePassword': async (i, ctx) => {
    await ctx.svc.auth.changePassword(needSession(ctx), i.currentPassword, i.newPassword);
    return { ok: true };
  },
  'auth.regenerateRecoveryCodes': async (_i, ctx) => ({
    recoveryCodes: ctx.svc.auth.regenerateRecoveryCodes(needSession(ctx)),
  }),
};

export const usersHandlers: HandlerMap<keyof typeof usersCalls> = {
  'users.list': async (_i, ctx) => ctx.svc.auth.users.list().map((u) => toUser(u, ctx.svc.clock.now())),
  'users.create': async (i, ctx) => toUser(await ctx.svc.auth.createUser(i), ctx.svc.clock.now()),
  'users.update': async (i, ctx) => toUser(ctx.svc.auth.updateUser(i.id, i), ctx.svc.clock.now()),
  'users.resetPassword': async (i, ctx) => {
    await ctx.svc.auth.resetPassword(i.id, i.newPassword);
    return { ok: true };
  },
  'users.resetMfa': async (i, ctx) => {
    ctx.svc.auth.resetMfa(i.id);
    return { ok: true };
  },
  'users.unlock': async (i, ctx) => toUser(ctx.svc.auth.unlock(i.id), ctx.svc.clock.now()),
  'users.delete': async (i, ctx) => {
    ctx.svc.auth.deleteUser(i.id, needSession(ctx));
    return { ok: true };
  },
};
