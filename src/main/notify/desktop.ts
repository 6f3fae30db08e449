/** Desktop notifications through the hook the Electron shell provides. */
import { bodyOf, subjectOf } from './format.js';
import type { DesktopNotificationHook, Notification, NotificationChannel } from './types.js';

export class DesktopChannel implements NotificationChannel {
  readonly name = 'desktop';
  constructor(private readonly hook: DesktopNotificationHook) {}
  async send(n: Notification): Promise<void> {
    const title = subjectOf(n).replace(/^\[Mvono Backup\] /, '');
    const body = bodyOf(n).split('\n').filter(Boolean).slice(0, 4).join('\n');
    await this.hook.show({ title, body, urgency: n.event === 'backup.missed' ? 'normal' : 'critical' });
  }
}
