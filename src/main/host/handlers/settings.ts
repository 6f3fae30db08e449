/** Storage targets and connection profiles (secrets to the OS keychain), keys, posture, contacts, settings. */
import {
  StorageCredentials,
  type StorageTarget,
  type settingsCalls,
} from '../../../shared/contract/settings.js';
import { newId } from '../../catalog/ids.js';
import { profilePasswordEntry, toDbProfile } from '../../catalog/profiles.js';
import { storageCredentialsEntry } from '../../catalog/targets.js';
import { AppError } from '../../platform/errors.js';
import { registerSecret } from '../../platform/logger.js';
import { actorOf, type HandlerCtx, type HandlerMap, nowIso, port } from '../context.js';

/** Reads a target's credentials from the keychain (undefined if it has none). */
export async function storageCredentials(
  ctx: HandlerCtx,
  t: StorageTarget,
): Promise<StorageCredentials | undefined> {
  if (!t.credentialsEntry) return undefined;
  const raw = await ctx.svc.keychain.get(t.credentialsEntry);
  if (!raw) {
    throw new AppError(
      'CONFIG',
      `The credentials of storage target "${t.name}" are missing from the OS keychain.`,
      {
        hint: `Enter them again in Settings > Storage (keychain entry "${t.credentialsEntry}").`,
      },
    );
  }
  const creds = StorageCredentials.parse(JSON.parse(raw));
  for (const v of Object.values(creds)) if (typeof v === 'string' && v !== creds.kind) registerSecret(v);
  return creds;
}

function checkCredentialsKind(config: { kind: string }, creds: { kind: string } | undefined): void {
  if (creds && creds.kind !== config.kind) {
    throw new AppError(
      'INVALID_INPUT',
      `credentials.kind: must be "${config.kind}" like the target's configuration`,
    );
  }
  if (creds && config.kind === 'local') {
    throw new AppError('INVALID_INPUT', 'credentials: a local directory target takes no credentials');
  }
}

export const settingsHandlers: HandlerMap<keyof typeof settingsCalls> = {
  'storage.list': async (_i, ctx) => ctx.svc.stores.targets.list(),
  'storage.create': async (i, ctx) => {
    checkCredentialsKind(i.config, i.credentials);
    const id = newId();
    let entry: string | undefined;
    if (i.credentials) {
      entry = storageCredentialsEntry(id);
      await ctx.svc.keychain.set(entry, JSON.stringify(i.credentials));
    }
    try {
      return ctx.svc.stores.targets.insert(
        { id, name: i.name, role: i.role, config: i.config, ...(entry ? { credentialsEntry: entry } : {}) },
        nowIso(ctx),
      );
    } catch (e) {
      if (entry) await ctx.svc.keychain.delete(entry);
      throw e;
    }
  },
  'storage.update': async (i, ctx) => {
    const t = i.target;
    checkCredentialsKind(t.config, t.credentials);
    ctx.svc.stores.targets.get(i.id);
    let entry: string | undefined;
    if (t.credentials) {
      entry = storageCredentialsEntry(i.id);
      await ctx.svc.keychain.set(entry, JSON.stringify(t.credentials));
    }
    return ctx.svc.stores.targets.update(
      i.id,
      { name: t.name, role: t.role, config: t.config, ...(entry ? { credentialsEntry: entry } : {}) },
      nowIso(ctx),
    );
  },
  'storage.delete': async (i, ctx) => {
    const t = ctx.svc.stores.targets.get(i.id);
    ctx.svc.stores.targets.delete(i.id);
    if (t.credentialsEntry) await ctx.svc.keychain.delete(t.credentialsEntry);
    return { ok: true };
  },
  'storage.test': async (i, ctx) => {
    const t = ctx.svc.stores.targets.get(i.id);
    const started = performance.now();
    try {
      const storage = await port(ctx, 'storage').open(t, await storageCredentials(ctx, t));
      try {
        for await (const _o of storage.list('config')) break;
      } finally {
        await storage.close?.();
      }
      return {
        ok: true,
        latencyMs: Math.round(performance.now() - started),
        message: `Reached ${t.location}.`,
      };
    } catch (e) {
      if (e instanceof AppError && e.code !== 'INTERNAL') {
        return { ok: false, latencyMs: Math.round(performance.now() - started), message: e.message };
      }
      throw e;
    }
  },
  'posture.get': async (i, ctx) => {
    if (i.targetId) ctx.svc.stores.targets.get(i.targetId);
    return port(ctx, 'posture').get(i.targetId);
  },
  'keys.status': async (_i, ctx) => port(ctx, 'keys').status(),
  'keys.initRepository': async (i, ctx) => {
    ctx.svc.stores.targets.get(i.targetId);
    return port(ctx, 'keys').initRepository(i.targetId, i.kmsKeyId, actorOf(ctx));
  },
  'keys.rotate': async (i, ctx) => port(ctx, 'keys').rotate(i.targetId, actorOf(ctx)),
  'keys.addSlot': async (i, ctx) => port(ctx, 'keys').addSlot(i, actorOf(ctx)),
  'keys.removeSlot': async (i, ctx) => {
    await port(ctx, 'keys').removeSlot(i.targetId, i.slotId, actorOf(ctx));
    return { ok: true };
  },

  'profiles.list': async (_i, ctx) => ctx.svc.stores.profiles.list(),
  'profiles.create': async (i, ctx) => {
    const id = newId();
    let entry: string | null = null;
    if (i.password) {
      entry = profilePasswordEntry(id);
      await ctx.svc.keychain.set(entry, i.password);
    }
    try {
      return ctx.svc.stores.profiles.insert(id, i.profile, entry, nowIso(ctx));
    } catch (e) {
      if (entry) await ctx.svc.keychain.delete(entry);
      throw e;
    }
  },
  'profiles.update': async (i, ctx) => {
    const cur = ctx.svc.stores.profiles.get(i.id);
    let entry = cur.passwordEntry ?? null;
    if (i.clearPassword && entry) {
      await ctx.svc.keychain.delete(entry);
      entry = null;
    }
    if (i.password) {
      entry = profilePasswordEntry(i.id);
      await ctx.svc.keychain.set(entry, i.password);
    }
    return ctx.svc.stores.profiles.update(i.id, i.profile, entry, nowIso(ctx));
  },
  'profiles.delete': async (i, ctx) => {
    const p = ctx.svc.stores.profiles.get(i.id);
    ctx.svc.stores.profiles.delete(i.id);
    if (p.passwordEntry) await ctx.svc.keychain.delete(p.passwordEntry);
    return { ok: true };
  },
  'profiles.test': async (i, ctx) => {
    const p = ctx.svc.stores.profiles.get(i.id);
    const password = p.passwordEntry ? await ctx.svc.keychain.get(p.passwordEntry) : undefined;
    registerSecret(password);
    try {
      const r = await port(ctx, 'sources').testConnection(
        toDbProfile(p),
        password === undefined ? {} : { password },
      );
      return {
        ok: true,
        serverVersion: r.serverVersion,
        message: `Connected to ${p.host}:${p.port}/${p.database}.`,
      };
    } catch (e) {
      if (e instanceof AppError && e.code !== 'INTERNAL') return { ok: false, message: e.message };
      throw e;
    }
  },

  'contacts.list': async (_i, ctx) => ({
    contacts: ctx.svc.stores.contacts.list(),
    escalation: ctx.svc.stores.contacts.escalation(),
  }),
  'contacts.upsert': async (i, ctx) => {
    if (i.id) ctx.svc.stores.contacts.get(i.id);
    return ctx.svc.stores.contacts.upsert({ id: i.id ?? newId(), ...i.contact });
  },
  'contacts.delete': async (i, ctx) => {
    ctx.svc.stores.contacts.delete(i.id);
    return { ok: true };
  },
  'contacts.setEscalation': async (i, ctx) => ctx.svc.stores.contacts.setEscalation(i.steps),
  'settings.get': async (_i, ctx) => ctx.svc.stores.settings.get(),
  'settings.update': async (i, ctx) => ctx.svc.stores.settings.update(i),
};
