/** Webhook: POSTs the notification as JSON ({event, plan, time, error, ...}) to each URL. */
import { AppError } from '../platform/errors.js';
import { redact } from '../platform/logger.js';
import { webhookPayload } from './format.js';
import type { Notification, NotificationChannel } from './types.js';

export class WebhookChannel implements NotificationChannel {
  readonly name = 'webhook';
  constructor(
    private readonly urls: string[],
    private readonly opts: { timeoutMs?: number; fetch?: typeof fetch } = {},
  ) {}

  async send(n: Notification): Promise<void> {
    const body = JSON.stringify(webhookPayload(n));
    const doFetch = this.opts.fetch ?? fetch;
    const failures: string[] = [];
    await Promise.all(
      this.urls.map(async (url) => {
        const where = redact(url);
        try {
          const res = await doFetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'user-agent': 'mvono-backup-console' },
            body,
            signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
          });
          if (!res.ok) failures.push(`${where} answered HTTP ${res.status}`);
        } catch {
          failures.push(`${where} is unreachable`);
        }
      }),
    );
    if (failures.length > 0) {
      throw new AppError('TRANSIENT', `Webhook notification failed: ${failures.join('; ')}.`, {
        hint: 'Check the webhook URL in Settings > Notifications.',
      });
    }
  }
}
