/**
 * The whole contract's protection table, generated from the registry: a new call cannot be added
 * without being covered. Every non-public call is refused without a session; every call is refused
 * to each role below its minimum; every step-up call is refused without a fresh TOTP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { z } from 'zod';
import { SECRET_NAME } from '../../src/main/audit/redact.js';
import type { SessionRef } from '../../src/main/host/context.js';
import type { ErrorCode as PlatformErrorCode } from '../../src/main/platform/errors.js';
import {
  CALL_NAMES,
  ERROR_CODES,
  type ErrorCode,
  getCall,
  isSecretSchema,
  rolesBelow,
} from '../../src/shared/contract/index.js';
import type { Role } from '../../src/shared/contract/roles.js';
import { addUser, errCode, makeTestHost, setupAdmin, stepUp, type TestHost } from './support.js';

// Compile-time: the shared error codes and platform/errors.ts are the same set.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameCodes: Same<ErrorCode, PlatformErrorCode> = true;

describe('contract protection table (every call in the registry)', () => {
  let t: TestHost;
  const sessions = new Map<Role, SessionRef>();
  before(async () => {
    t = makeTestHost();
    const { ref } = await setupAdmin(t);
    sessions.set('admin', ref);
    sessions.set('dba', await addUser(t, ref, 'dora', 'dba'));
    sessions.set('oncall', await addUser(t, ref, 'otto', 'oncall'));
    await stepUp(t, sessions.get('dba') as SessionRef, 'dora');
    await stepUp(t, sessions.get('oncall') as SessionRef, 'otto');
  });
  after(async () => t.close());

  it('error codes are shared with platform/errors.ts', () => {
    assert.equal(sameCodes, true);
    assert.equal(new Set(ERROR_CODES).size, ERROR_CODES.length);
  });

  it('has the domains the console needs', () => {
    for (const prefix of [
      'auth.',
      'users.',
      'dashboard.',
      'plans.',
      'backups.',
      'snapshots.',
      'jobs.',
      'restore.',
      'incidents.',
      'approvals.',
      'emergency.',
      'restoreTests.',
      'audit.',
      'storage.',
      'posture.',
      'keys.',
      'profiles.',
      'contacts.',
      'settings.',
    ]) {
      assert.ok(
        CALL_NAMES.some((n) => n.startsWith(prefix)),
        prefix,
      );
    }
  });

  for (const name of CALL_NAMES) {
    const spec = getCall(name);
    it(`${name}: ${spec.role}${spec.stepUp ? ', step-up' : ''}${spec.audit ? ', audited' : ''}`, async () => {
      if (spec.role !== 'public') {
        assert.equal(errCode(await t.host.call(undefined, name, {})), 'UNAUTHENTICATED', 'no session');
        assert.equal(errCode(await t.host.call('forged-token', name, {})), 'UNAUTHENTICATED', 'forged token');
      }
      for (const role of rolesBelow(spec.role)) {
        assert.equal(errCode(await t.host.call(sessions.get(role), name, {})), 'FORBIDDEN', `role ${role}`);
      }
      if (spec.stepUp) assert.ok(spec.audit, 'step-up calls are audited');
    });
  }

  it('step-up calls are refused without a fresh TOTP (to every role allowed to make them)', async () => {
    t.clock.advance(6 * 60_000); // step-ups are now stale, sessions still alive
    const stepUpCalls = CALL_NAMES.filter((n) => getCall(n).stepUp);
    assert.ok(stepUpCalls.length >= 10);
    for (const name of stepUpCalls) {
      for (const [role, ref] of sessions) {
        if (rolesBelow(getCall(name).role).includes(role)) continue;
        assert.equal(errCode(await t.host.call(ref, name, {})), 'MFA_REQUIRED', `${name} as ${role}`);
      }
    }
  });

  it('the actions the procedures name need step-up', () => {
    for (const n of [
      'restore.toProduction',
      'emergency.executeRestore',
      'snapshots.delete',
      'keys.rotate',
      'keys.addSlot',
      'keys.removeSlot',
      'keys.initRepository',
      'storage.create',
      'storage.update',
      'storage.delete',
      'users.create',
      'users.update',
      'users.delete',
      'users.resetMfa',
      'profiles.create',
    ] as const) {
      assert.equal(getCall(n).stepUp, true, n);
    }
  });

  it('every call that changes state is audited', () => {
    const mutating =
      /\.(create|update|delete|start|run|runNow|cancel|close|open|addNote|decide|requestRestore|executeRestore|record|rotate|addSlot|removeSlot|initRepository|setEnabled|setEscalation|upsert|reset\w*|unlock|replicate|export|login|logout|setup|completeEnrollment|stepUp|changePassword|regenerate\w*|to\w+)$/;
    for (const n of CALL_NAMES) if (mutating.test(n)) assert.equal(getCall(n).audit, true, n);
  });

  it('every input string field named like a secret is marked secret() in the schema', () => {
    const unmarked: string[] = [];
    const walk = (s: z.ZodType, path: string, key?: string): void => {
      const d = (s as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
      if (key && SECRET_NAME.test(key) && !isSecretSchema(s)) {
        const inner = d.type === 'optional' ? (d.innerType as z.ZodType) : s;
        const innerType = (inner as unknown as { _zod: { def: { type: string } } })._zod.def.type;
        if (innerType === 'string' && !isSecretSchema(inner)) unmarked.push(path);
      }
      if (d.type === 'object')
        for (const [k, v] of Object.entries(d.shape as Record<string, z.ZodType>)) walk(v, `${path}.${k}`, k);
      for (const k of ['innerType', 'in', 'element']) if (d[k]) walk(d[k] as z.ZodType, path);
      if (Array.isArray(d.options)) for (const o of d.options as z.ZodType[]) walk(o, path);
    };
    for (const n of CALL_NAMES) {
      walk(getCall(n).input, `${n}.input`);
    }
    assert.deepEqual(unmarked, []);
  });
});
