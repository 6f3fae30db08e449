/**
 * The Host: ONE implementation of the contract that every transport (Electron IPC, serve HTTP,
 * tests) calls. `call()` checks the session, the role and step-up, validates the input with the
 * call's schema, runs the handler, validates the output (dev/tests), audits, and maps errors to
 * {code, message, hint}. Authorization runs before input validation, so an unauthenticated caller
 * learns nothing about a call's input shape.
 */

import type { z } from 'zod';
import {
  CALL_NAMES,
  type CallName,
  type CallSpec,
  getCall,
  isCallName,
  ROLE_LABELS,
  roleAllows,
} from '../../shared/contract/index.js';
import type { RpcResponse } from '../../shared/contract/rpc.js';
import { AuditLog } from '../audit/log.js';
import { redact } from '../audit/redact.js';
import { AuthService, type Session } from '../auth/service.js';
import type { CatalogDb } from '../catalog/db.js';
import { type Clock, systemClock } from '../platform/clock.js';
import { AppError, toAppError } from '../platform/errors.js';
import type { Keychain } from '../platform/keychain.js';
import type { Logger } from '../platform/logger.js';
import { type Handler, type HandlerCtx, type HostServices, makeStores, type SessionRef } from './context.js';
import { auditTarget, inputError, toApiError } from './dispatch.js';
import { EventBus } from './events.js';
import { handlers } from './handlers/index.js';
import type { Ports } from './ports.js';

export interface HostOptions {
  db: CatalogDb;
  keychain: Keychain;
  clock?: Clock;
  ports?: Ports;
  bus?: EventBus;
  log?: Logger;
  /** Validate every output against its schema (default: on unless NODE_ENV=production). */
  validateOutput?: boolean;
}

export interface Host {
  call(session: SessionRef | string | undefined, method: string, input: unknown): Promise<RpcResponse>;
  /** True when the token belongs to a live session (transports use it to gate events). */
  sessionValid(token: string | undefined): boolean;
  readonly bus: EventBus;
  readonly services: HostServices;
}

const silentLog: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silentLog };

export function createHost(opts: HostOptions): Host {
  const clock = opts.clock ?? systemClock;
  const bus = opts.bus ?? new EventBus();
  const log = opts.log ?? silentLog;
  const services: HostServices = {
    db: opts.db,
    clock,
    keychain: opts.keychain,
    auth: new AuthService(opts.db, opts.keychain, clock),
    audit: new AuditLog(opts.db, clock),
    stores: makeStores(opts.db),
    ports: opts.ports ?? {},
    bus,
    log,
  };
  const validateOutput = opts.validateOutput ?? process.env.NODE_ENV !== 'production';

  function authorize(
    spec: CallSpec<z.ZodType, z.ZodType>,
    method: CallName,
    token: string | undefined,
  ): Session | undefined {
    if (spec.role === 'public') {
      try {
        return token ? services.auth.session(token) : undefined;
      } catch {
        return undefined;
      }
    }
    const s = services.auth.session(token);
    if (!roleAllows(s.user.role, spec.role)) {
      throw new AppError(
        'FORBIDDEN',
        `Your role (${ROLE_LABELS[s.user.role]}) cannot ${spec.summary.charAt(0).toLowerCase()}${spec.summary.slice(1)}.`,
        {
          hint: `${method} needs the ${spec.role === 'any' ? 'signed-in' : ROLE_LABELS[spec.role as keyof typeof ROLE_LABELS]} role or higher.`,
        },
      );
    }
    if (spec.stepUp && !services.auth.stepUpFresh(s)) {
      throw new AppError('MFA_REQUIRED', 'This action needs a fresh authentication code.', {
        hint: 'Enter the current code from your authenticator app (valid for 5 minutes), then try again.',
      });
    }
    return s;
  }

  function audit(
    spec: CallSpec<z.ZodType, z.ZodType>,
    method: string,
    session: Session | undefined,
    input: unknown,
    outcome: 'ok' | 'denied' | 'error',
    code?: AppError['code'],
  ): void {
    const params = redact(spec.input, input);
    const claimed =
      input && typeof input === 'object' ? (input as Record<string, unknown>).username : undefined;
    try {
      services.audit.append({
        actor: session?.user.username ?? (typeof claimed === 'string' ? claimed.slice(0, 64) : 'anonymous'),
        role: session?.user.role ?? '',
        action: method,
        target: auditTarget(input),
        params:
          params && typeof params === 'object' && !Array.isArray(params)
            ? (params as Record<string, unknown>)
            : {},
        outcome,
        ...(code ? { code } : {}),
      });
    } catch (e) {
      log.error('audit append failed', { method, error: toAppError(e).message });
      throw new AppError('INTERNAL', 'The audit log could not be written.', { cause: e });
    }
  }

  async function call(
    sessionArg: SessionRef | string | undefined,
    method: string,
    input: unknown,
  ): Promise<RpcResponse> {
    const ref: SessionRef = typeof sessionArg === 'object' ? sessionArg : { token: sessionArg };
    if (!isCallName(method)) {
      return {
        ok: false,
        error: { code: 'NOT_FOUND', message: `Unknown call "${String(method).slice(0, 100)}".` },
      };
    }
    const spec = getCall(method);
    let session: Session | undefined;
    try {
      session = authorize(spec, method, ref.token);
    } catch (e) {
      const err = toApiError(e);
      if (spec.audit || err.code === 'FORBIDDEN' || err.code === 'MFA_REQUIRED') {
        try {
          audit(spec, method, undefined, input, 'denied', err.code);
        } catch {
          // the denial stands even if it cannot be recorded
        }
      }
      return { ok: false, error: err };
    }
    let parsedInput: unknown = input;
    try {
      const parsed = spec.input.safeParse(input === undefined ? {} : input);
      if (!parsed.success) throw inputError(method, parsed.error);
      parsedInput = parsed.data;
      const ctx: HandlerCtx = { svc: services, session, ref };
      const handler = handlers[method] as Handler<CallName>;
      const out = await handler(parsedInput as never, ctx);
      if (validateOutput) {
        const check = spec.output.safeParse(out);
        if (!check.success) {
          log.error('output does not match the contract', {
            method,
            issues: check.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`),
          });
          throw new AppError('INTERNAL', `Output of ${method} does not match the contract.`);
        }
      }
      if (spec.audit) audit(spec, method, session ?? sessionAfter(ref), parsedInput, 'ok');
      return { ok: true, data: out };
    } catch (e) {
      const err = toApiError(e);
      if (err.code === 'INTERNAL') log.error('internal error', { method, error: describe(e) });
      const denied =
        err.code === 'UNAUTHENTICATED' ||
        err.code === 'FORBIDDEN' ||
        err.code === 'LOCKED' ||
        err.code === 'MFA_REQUIRED';
      if (spec.audit) {
        try {
          audit(spec, method, session, parsedInput, denied ? 'denied' : 'error', err.code);
        } catch {
          // already failing; the original error is what the caller needs
        }
      }
      return { ok: false, error: err };
    }
  }

  /** After sign-in the new session's user is the actor of the audit entry. */
  function sessionAfter(ref: SessionRef): Session | undefined {
    try {
      return ref.token ? services.auth.session(ref.token) : undefined;
    } catch {
      return undefined;
    }
  }

  function sessionValid(token: string | undefined): boolean {
    try {
      services.auth.session(token);
      return true;
    } catch {
      return false;
    }
  }

  return { call, sessionValid, bus, services };
}

function describe(e: unknown): string {
  if (e instanceof AppError) return `${e.code}: ${e.message}`;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return 'non-error thrown';
}

export { CALL_NAMES };
