/** Progress reporters for tests. */
import type { ProgressReporter, ProgressSnapshot } from '../../src/main/engine/progress.js';

/** Aborts `ac` at the first progress report that satisfies `when` (a cancel at a chosen moment). */
export function abortWhen(ac: AbortController, when: (p: ProgressSnapshot) => boolean): ProgressReporter {
  return {
    update: (p) => {
      if (when(p)) ac.abort();
    },
    log: () => {},
  };
}
