/** The one typed `api` object (derived from the contract) and the host event stream. */
import { createApi } from '../../shared/client.js';
import type { Access } from '../../shared/contract/index.js';
import {
  type Api,
  ApiError,
  type CallName,
  getCall,
  type Role,
  roleAllows,
} from '../../shared/contract/index.js';
import { connect } from './transport.js';

export const connection = connect();
export const api: Api = createApi(connection.transport);

/** Whether a role may make a call, from the contract's protection table (the server still decides). */
export function canCall(role: Role | undefined, method: CallName): boolean {
  if (!role) return false;
  const min: Access = getCall(method).role;
  return roleAllows(role, min);
}

/** A call whose engine the host does not wire yet answers CONFIG "This console has no … service configured". */
export function isNotAvailable(e: unknown): boolean {
  if (!(e instanceof ApiError)) return false;
  if (e.code === 'CONFIG' && /not (available|wired|implemented)|has no .*service configured/i.test(e.message))
    return true;
  return e.code === 'NOT_FOUND' && /unknown (call|method)/i.test(e.message);
}

export function errorText(e: unknown): { message: string; hint?: string; code?: string } {
  if (e instanceof ApiError) return { message: e.message, code: e.code, ...(e.hint ? { hint: e.hint } : {}) };
  if (e instanceof Error) return { message: e.message };
  if (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string') {
    const o = e as { message: string; code?: unknown; hint?: unknown };
    return {
      message: o.message,
      ...(typeof o.code === 'string' ? { code: o.code } : {}),
      ...(typeof o.hint === 'string' ? { hint: o.hint } : {}),
    };
  }
  return { message: String(e) };
}
