/**
 * A JobLauncher without a job manager: runs the work in-process with its own AbortController and no
 * persistence. For the headless agent before the host is wired, and for tests of the scheduler alone.
 */
import { noProgress } from '../engine/progress.js';
import { isAppError, toAppError } from '../platform/errors.js';
import type { FinishedJob, JobLauncher, LaunchedJobContext } from './types.js';

export function directLauncher(log?: (jobId: string, level: string, message: string) => void): JobLauncher {
  let seq = 0;
  const running = new Map<string, { ac: AbortController; done: Promise<FinishedJob> }>();
  return {
    start(_kind, _title, work) {
      const id = `direct-${++seq}`;
      const ac = new AbortController();
      const ctx: LaunchedJobContext = {
        signal: ac.signal,
        progress: noProgress,
        log: (level, message) => log?.(id, level, message),
      };
      const done = work(ctx).then(
        (result): FinishedJob => ({ state: 'succeeded', result }),
        (e: unknown): FinishedJob => {
          const err = toAppError(e);
          return { state: isAppError(err, 'CANCELLED') ? 'cancelled' : 'failed', error: err.toJSON() };
        },
      );
      running.set(id, { ac, done });
      void done.then(() => running.delete(id));
      return { id };
    },
    async wait(id) {
      const r = running.get(id);
      return r ? r.done : { state: 'unknown' };
    },
    cancel(id) {
      running.get(id)?.ac.abort();
    },
  };
}
