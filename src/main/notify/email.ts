/**
 * E-mail over SMTP (nodemailer). The password is never in the config: it is read from the OS
 * keychain through the injected getter at send time.
 */
import nodemailer from 'nodemailer';
import { AppError } from '../platform/errors.js';
import { registerSecret } from '../platform/logger.js';
import { bodyOf, subjectOf } from './format.js';
import type { Notification, NotificationChannel } from './types.js';

export interface SmtpConfig {
  host: string;
  port: number;
  /** true = TLS from the start (465); false = STARTTLS when offered (587/25). */
  secure: boolean;
  user?: string;
  from: string;
  to: string[];
  /** Require a valid server certificate (default true). */
  rejectUnauthorized?: boolean;
  /** Refuse to send without TLS (default false; loopback relays often have none). */
  requireTls?: boolean;
}

export class EmailChannel implements NotificationChannel {
  readonly name = 'email';
  constructor(
    private readonly config: SmtpConfig,
    private readonly getPassword: () => Promise<string | undefined>,
  ) {}

  async send(n: Notification): Promise<void> {
    const c = this.config;
    if (c.to.length === 0) return;
    const pass = c.user ? await this.getPassword() : undefined;
    if (c.user && !pass) {
      throw new AppError('CONFIG', `No SMTP password for ${c.user}@${c.host} in the keychain.`, {
        hint: 'Set the notification e-mail password in Settings > Notifications.',
      });
    }
    registerSecret(pass);
    const transport = nodemailer.createTransport({
      host: c.host,
      port: c.port,
      secure: c.secure,
      requireTLS: c.requireTls ?? false,
      tls: { rejectUnauthorized: c.rejectUnauthorized ?? true },
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 30_000,
      ...(c.user && pass ? { auth: { user: c.user, pass } } : {}),
    });
    try {
      await transport.sendMail({
        from: c.from,
        to: c.to,
        subject: subjectOf(n),
        text: bodyOf(n),
        date: new Date(n.time),
      });
    } catch (e) {
      throw new AppError('TRANSIENT', `Could not send the notification e-mail through ${c.host}:${c.port}.`, {
        hint: 'Check the SMTP settings and that the mail server is reachable.',
        cause: e,
      });
    } finally {
      transport.close();
    }
  }
}

/** `smtp://user@host:587?from=a@b` (STARTTLS when offered) or `smtps://…:465` (TLS from the start). */
export function parseSmtpUrl(url: string): Omit<SmtpConfig, 'to'> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new AppError('CONFIG', 'MVONO_SMTP_URL is not a URL.', {
      hint: 'Use smtp://user@host:587?from=backups@example.com',
    });
  }
  const secure = u.protocol === 'smtps:';
  if (!secure && u.protocol !== 'smtp:')
    throw new AppError('CONFIG', `MVONO_SMTP_URL must start with smtp:// or smtps://.`);
  const from = u.searchParams.get('from');
  if (!from) throw new AppError('CONFIG', 'MVONO_SMTP_URL needs ?from=<sender address>.');
  return {
    host: u.hostname,
    port: Number(u.port) || (secure ? 465 : 587),
    secure,
    ...(u.username ? { user: decodeURIComponent(u.username) } : {}),
    from,
  };
}
