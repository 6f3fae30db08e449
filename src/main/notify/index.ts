/**
 * notify/: failure and missed-run notifications by e-mail (SMTP, password from the keychain),
 * webhook (JSON POST) and the desktop (a hook the Electron shell implements).
 * Imports platform/ and scheduler/ types only.
 */
export { DesktopChannel } from './desktop.js';
export { EmailChannel, type SmtpConfig } from './email.js';
export { bodyOf, subjectOf, webhookPayload } from './format.js';
export { Notifier, notificationFor, type SendReport } from './notifier.js';
export type {
  DesktopNotificationHook,
  Notification,
  NotificationChannel,
  NotificationEventName,
} from './types.js';
export { WebhookChannel } from './webhook.js';
