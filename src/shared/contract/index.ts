/**
 * The console's contract: every call, by name, with input/output schemas and protection.
 * Add a call in its domain file; it appears here, in the typed client, in window.api and in the
 * protection table test automatically. See docs/contract.md.
 */
import type { z } from 'zod';
import { auditCalls } from './audit.js';
import { authCalls } from './auth.js';
import { dashboardCalls } from './dashboard.js';
import type { CallSpec } from './define.js';
import { emergencyCalls } from './emergency.js';
import { jobsCalls } from './jobs.js';
import { plansCalls } from './plans.js';
import { restoreCalls } from './restore.js';
import { restoreTestsCalls } from './restoreTests.js';
import { settingsCalls } from './settings.js';
import { snapshotsCalls } from './snapshots.js';
import { usersCalls } from './users.js';

export const calls = {
  ...authCalls,
  ...usersCalls,
  ...dashboardCalls,
  ...plansCalls,
  ...snapshotsCalls,
  ...jobsCalls,
  ...restoreCalls,
  ...emergencyCalls,
  ...restoreTestsCalls,
  ...auditCalls,
  ...settingsCalls,
};

export type Calls = typeof calls;
export type CallName = keyof Calls;
/** What the caller sends (defaults may be omitted). */
export type CallInput<K extends CallName> = z.input<Calls[K]['input']>;
/** What the handler receives after validation (defaults filled in). */
export type CallParsedInput<K extends CallName> = z.output<Calls[K]['input']>;
export type CallOutput<K extends CallName> = z.output<Calls[K]['output']>;

/** The typed client every console uses: one async function per call. */
export type Api = { [K in CallName]: (input: CallInput<K>) => Promise<CallOutput<K>> };

export const CALL_NAMES = Object.keys(calls) as CallName[];

export function isCallName(s: unknown): s is CallName {
  return typeof s === 'string' && Object.hasOwn(calls, s);
}

export function getCall(name: CallName): CallSpec<z.ZodType, z.ZodType> {
  return calls[name] as CallSpec<z.ZodType, z.ZodType>;
}

export * from './audit.js';
export * from './auth.js';
export * from './common.js';
export * from './dashboard.js';
export * from './define.js';
export * from './emergency.js';
export * from './errors.js';
export * from './events.js';
export * from './jobs.js';
export * from './plans.js';
export * from './restore.js';
export * from './restoreTests.js';
export * from './roles.js';
export * from './rpc.js';
export * from './settings.js';
export * from './snapshots.js';
export * from './users.js';
