/**
 * What the notifier sends: a failed or missed scheduled backup (or any failure the host reports),
 * through channels (e-mail, webhook, desktop). A channel failing never stops the others.
 */
export type NotificationEventName = 'backup.failed' | 'backup.missed' | 'job.failed';

export interface Notification {
  event: NotificationEventName;
  plan?: { id: string; name: string };
  /** Job title when not a plan run. */
  subject?: string;
  /** When it happened (failure time, or when the miss was noticed), ISO UTC. */
  time: string;
  /** The scheduled time(s) concerned, ISO UTC. */
  scheduledFor: string[];
  /** Zone the operator reads times in (the plan's; EAT by default). */
  timeZone: string;
  error?: { code: string; message: string; hint?: string };
  attempts?: number;
}

export interface NotificationChannel {
  readonly name: string;
  send(n: Notification): Promise<void>;
}

/** Implemented by the Electron shell (Notification API); the headless agent has none. */
export interface DesktopNotificationHook {
  show(n: { title: string; body: string; urgency: 'normal' | 'critical' }): void | Promise<void>;
}
