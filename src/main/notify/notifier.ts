/**
 * Sends notifications on every configured channel. Subscribe it to the scheduler's events
 * (`onSchedulerEvent`): a run that failed after its retries and runs that were missed are reported.
 * A channel that fails is logged and does not stop the others; nothing here throws to the caller.
 */
import { toAppError } from '../platform/errors.js';
import { type Logger, nullLogger } from '../platform/logger.js';
import type { SchedulerEvent } from '../scheduler/types.js';
import type { Notification, NotificationChannel } from './types.js';

export interface SendReport {
  channel: string;
  ok: boolean;
  error?: string;
}

/** Scheduler event → notification (undefined for events that are not worth one). */
export function notificationFor(e: SchedulerEvent): Notification | undefined {
  const plan = { id: e.planId, name: e.planName };
  if (e.type === 'run.failed') {
    return {
      event: 'backup.failed',
      plan,
      time: e.time,
      scheduledFor: [e.scheduledFor],
      timeZone: e.timeZone,
      error: e.error,
      attempts: e.attempts,
    };
  }
  if (e.type === 'run.missed') {
    return { event: 'backup.missed', plan, time: e.time, scheduledFor: e.scheduledFor, timeZone: e.timeZone };
  }
  return undefined;
}

export class Notifier {
  private readonly log: Logger;
  private pending = new Set<Promise<unknown>>();
  constructor(
    private readonly channels: () => readonly NotificationChannel[],
    logger: Logger = nullLogger,
  ) {
    this.log = logger.child('notify');
  }

  async notify(n: Notification): Promise<SendReport[]> {
    return Promise.all(
      this.channels().map(async (c): Promise<SendReport> => {
        try {
          await c.send(n);
          return { channel: c.name, ok: true };
        } catch (e) {
          const msg = toAppError(e).message;
          this.log.error(`Notification via ${c.name} failed: ${msg}`, { event: n.event, plan: n.plan?.name });
          return { channel: c.name, ok: false, error: msg };
        }
      }),
    );
  }

  /** A scheduler `emit` listener: fire-and-forget (see `flush()`). */
  readonly onSchedulerEvent = (e: SchedulerEvent): void => {
    const n = notificationFor(e);
    if (!n) return;
    const p = this.notify(n).finally(() => this.pending.delete(p));
    this.pending.add(p);
  };

  /** Resolves when notifications started by `onSchedulerEvent` have been sent (shutdown, tests). */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
