/** What every handler receives: the caller, the services, and the session reference. */
import type { CallName, CallOutput, CallParsedInput } from '../../shared/contract/index.js';
import type { AuditLog } from '../audit/log.js';
import type { AuthService, Session } from '../auth/service.js';
import { ApprovalStore } from '../catalog/approvals.js';
import { ContactStore } from '../catalog/contacts.js';
import type { CatalogDb } from '../catalog/db.js';
import { IncidentStore } from '../catalog/incidents.js';
import { ProfileStore } from '../catalog/profiles.js';
import { RestoreTestStore } from '../catalog/restoreTests.js';
import { SettingsStore } from '../catalog/settings.js';
import { SnapshotCacheStore } from '../catalog/snapshots.js';
import { TargetStore } from '../catalog/targets.js';
import type { Clock } from '../platform/clock.js';
import { AppError } from '../platform/errors.js';
import type { Keychain } from '../platform/keychain.js';
import type { Logger } from '../platform/logger.js';
import type { EventBus } from './events.js';
import type { Actor, Ports } from './ports.js';

/**
 * Who holds the session token. Transports keep one per connection (IPC: per window; serve: an
 * HttpOnly cookie); sign-in sets it, sign-out clears it. The renderer never sees the token.
 */
export interface SessionRef {
  token: string | undefined;
}

export function makeStores(db: CatalogDb) {
  return {
    targets: new TargetStore(db),
    profiles: new ProfileStore(db),
    incidents: new IncidentStore(db),
    approvals: new ApprovalStore(db),
    restoreTests: new RestoreTestStore(db),
    contacts: new ContactStore(db),
    settings: new SettingsStore(db),
    snapshots: new SnapshotCacheStore(db),
  };
}
export type Stores = ReturnType<typeof makeStores>;

export interface HostServices {
  db: CatalogDb;
  clock: Clock;
  keychain: Keychain;
  auth: AuthService;
  audit: AuditLog;
  stores: Stores;
  ports: Ports;
  bus: EventBus;
  log: Logger;
}

export interface HandlerCtx {
  svc: HostServices;
  /** Present for every non-public call; for public calls when a valid session exists. */
  session: Session | undefined;
  ref: SessionRef;
}

export type Handler<K extends CallName> = (
  input: CallParsedInput<K>,
  ctx: HandlerCtx,
) => Promise<CallOutput<K>>;
export type HandlerMap<N extends CallName> = { [K in N]: Handler<K> };

export function actorOf(ctx: HandlerCtx): Actor {
  const s = needSession(ctx);
  return { userId: s.user.id, username: s.user.username, role: s.user.role };
}

export function needSession(ctx: HandlerCtx): Session {
  if (!ctx.session) throw new AppError('UNAUTHENTICATED', 'Not signed in.', { hint: 'Sign in again.' });
  return ctx.session;
}

/** A port the composition root has not wired answers CONFIG instead of crashing. */
export function port<K extends keyof Ports>(ctx: HandlerCtx, name: K): NonNullable<Ports[K]> {
  const p = ctx.svc.ports[name];
  if (!p) {
    throw new AppError('CONFIG', `This console has no ${name} service configured.`, {
      hint: 'This build or mode does not include it; use the desktop console or the CLI.',
    });
  }
  return p as NonNullable<Ports[K]>;
}

export const nowIso = (ctx: HandlerCtx) => ctx.svc.clock.now().toISOString();
