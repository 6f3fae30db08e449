/**
 * React Query bindings: queries are keyed [method, input]; host events invalidate them (no polling
 * where events exist). Mutations that hit MFA_REQUIRED ask for a fresh TOTP code and retry once.
 */
import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import {
  ApiError,
  type CallInput,
  type CallName,
  type CallOutput,
  type EventName,
  type JobProgress,
} from '../../shared/contract/index.js';
import { api, connection } from './client.js';
import { requestStepUp } from './stepUp.js';

export function queryKey<K extends CallName>(method: K, input: CallInput<K>): readonly [K, CallInput<K>] {
  return [method, input] as const;
}

export function useCall<K extends CallName>(
  method: K,
  input: CallInput<K>,
  opts: { enabled?: boolean; refetchInterval?: number | false } = {},
) {
  return useQuery({
    queryKey: queryKey(method, input),
    queryFn: () => (api[method] as (i: CallInput<K>) => Promise<CallOutput<K>>)(input),
    enabled: opts.enabled ?? true,
    refetchInterval: opts.refetchInterval ?? false,
  });
}

/** Calls a method; on MFA_REQUIRED prompts for a TOTP code (auth.stepUp) and tries once more. */
export async function callWithStepUp<K extends CallName>(
  method: K,
  input: CallInput<K>,
): Promise<CallOutput<K>> {
  const fn = api[method] as (i: CallInput<K>) => Promise<CallOutput<K>>;
  try {
    return await fn(input);
  } catch (e) {
    if (!(e instanceof ApiError) || e.code !== 'MFA_REQUIRED') throw e;
    const totp = await requestStepUp(e.message);
    await api['auth.stepUp']({ totp });
    return fn(input);
  }
}

export function useAction<K extends CallName>(
  method: K,
  opts: { invalidates?: CallName[]; onSuccess?: (out: CallOutput<K>) => void } = {},
) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: CallInput<K>) => callWithStepUp(method, input),
    onSuccess: (out) => {
      for (const m of opts.invalidates ?? []) void qc.invalidateQueries({ queryKey: [m] });
      opts.onSuccess?.(out);
    },
  });
}

// ---- events -----------------------------------------------------------------------------------

const JOB_DEPENDENT: CallName[] = [
  'jobs.list',
  'jobs.get',
  'dashboard.summary',
  'plans.list',
  'snapshots.list',
  'restoreTests.list',
  'restoreTests.due',
  'approvals.list',
  'incidents.list',
  'incidents.get',
  'keys.status',
];

/** Latest progress per job, pushed by job.progress events (read by useJobProgress). */
const progressListeners = new Set<() => void>();
const latestProgress = new Map<string, JobProgress>();

export function getJobProgress(jobId: string): JobProgress | undefined {
  return latestProgress.get(jobId);
}

export function onJobProgress(cb: () => void): () => void {
  progressListeners.add(cb);
  return () => progressListeners.delete(cb);
}

function handleEvent(qc: QueryClient, event: EventName, payload: unknown): void {
  const p = payload as Record<string, unknown>;
  if (event === 'job.progress') {
    const { jobId, ...progress } = p as JobProgress & { jobId: string };
    latestProgress.set(jobId, progress);
    for (const l of progressListeners) l();
    return;
  }
  if (event === 'job.log') {
    void qc.invalidateQueries({ queryKey: ['jobs.log', { id: p.jobId }], exact: false });
    return;
  }
  if (event === 'job.state') {
    for (const m of JOB_DEPENDENT) void qc.invalidateQueries({ queryKey: [m] });
    return;
  }
  if (event === 'dashboard.invalidate') {
    const topics = Array.isArray(p.topics) ? (p.topics as string[]) : [];
    if (topics.length === 0) {
      void qc.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'audit.list' });
      return;
    }
    void qc.invalidateQueries({ queryKey: ['dashboard.summary'] });
    void qc.invalidateQueries({
      predicate: (q) => topics.some((t) => String(q.queryKey[0]).startsWith(t)),
    });
  }
}

/** Mount once: routes host events into the query cache. */
export function useHostEvents(enabled: boolean): void {
  const qc = useQueryClient();
  useEffect(() => {
    if (!enabled) return;
    return connection.subscribe((event, payload) => handleEvent(qc, event, payload));
  }, [qc, enabled]);
}
