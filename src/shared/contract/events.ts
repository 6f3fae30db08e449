/** Events the host pushes to consoles (IPC in Electron, SSE /events in serve). */
import { z } from 'zod';
import { ApiErrorSchema } from './errors.js';
import { JobLogLine, JobProgress, JobState } from './jobs.js';

export const events = {
  'job.progress': JobProgress.extend({ jobId: z.string() }),
  'job.state': z.object({
    jobId: z.string(),
    state: JobState,
    error: ApiErrorSchema.optional(),
    result: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  }),
  'job.log': JobLogLine.extend({ jobId: z.string() }),
  /** Something on the dashboard changed; refetch. `topics` narrows what (e.g. "plans", "jobs"). */
  'dashboard.invalidate': z.object({ topics: z.array(z.string()).default([]) }),
};

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.infer<Events[E]>;
export const EVENT_NAMES = Object.keys(events) as EventName[];
export function isEventName(s: unknown): s is EventName {
  return typeof s === 'string' && Object.hasOwn(events, s);
}
