import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import {
  DesktopChannel,
  EmailChannel,
  type NotificationChannel,
  Notifier,
  WebhookChannel,
} from '../../src/main/notify/index.js';
import type { SchedulerEvent } from '../../src/main/scheduler/types.js';

const SMTP_PASSWORD = 'smtp-Pa55word-from-keychain';
const DB_PASSWORD = 'Sup3rS3cretDb';

const failed: SchedulerEvent = {
  type: 'run.failed',
  planId: 'database-full',
  planName: 'Database Full Backup',
  timeZone: 'Africa/Nairobi',
  runId: 'r1',
  scheduledFor: '2026-03-15T21:00:00.000Z',
  time: '2026-03-15T21:07:00.000Z',
  attempts: 3,
  error: {
    code: 'SOURCE_FAILED',
    message: `pg_dump failed: could not connect to postgres://backup:${DB_PASSWORD}@db.internal:5432/app`,
    hint: 'Check that the database server is running.',
  },
};
const missed: SchedulerEvent = {
  type: 'run.missed',
  planId: 'complete-system',
  planName: 'Complete System Backup',
  timeZone: 'Africa/Nairobi',
  scheduledFor: ['2026-03-07T23:00:00.000Z', '2026-03-14T23:00:00.000Z'],
  omitted: 0,
  time: '2026-03-16T05:00:00.000Z',
};

/** Unfolds header lines and undoes quoted-printable soft breaks, so the mail reads as sent. */
function readable(raw: string): string {
  const at = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, at).replace(/\r\n[ \t]+/g, ' ');
  return `${head}${raw.slice(at).replace(/=\r\n/g, '')}`;
}

interface Received {
  from: string;
  to: string[];
  auth?: { user: string; pass: string };
  data: string;
}

describe('e-mail notifications (real SMTP server on loopback: smtp-server)', () => {
  let server: SMTPServer;
  let port = 0;
  const received: Received[] = [];
  let lastAuth: { user: string; pass: string } | undefined;

  before(async () => {
    server = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      logger: false,
      onAuth(auth, _session, cb) {
        if (auth.username === 'alerts@mvonoconsultants.com' && auth.password === SMTP_PASSWORD) {
          lastAuth = { user: auth.username, pass: auth.password ?? '' };
          return cb(null, { user: auth.username });
        }
        return cb(new Error('Invalid username or password'));
      },
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const from = session.envelope.mailFrom;
          received.push({
            from: from ? from.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            ...(lastAuth ? { auth: lastAuth } : {}),
            data: Buffer.concat(chunks).toString('utf8'),
          });
          cb();
        });
      },
    });
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    port = (server.server.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise<void>((res) => server.close(() => res()));
  });

  const channel = (getPassword: () => Promise<string | undefined>) =>
    new EmailChannel(
      {
        host: '127.0.0.1',
        port,
        secure: false,
        user: 'alerts@mvonoconsultants.com',
        from: 'Mvono Backup <alerts@mvonoconsultants.com>',
        to: ['admin@mvonoconsultants.com', 'dba@mvonoconsultants.com'],
      },
      getPassword,
    );

  it('sends a failure mail to the contacts: plan name, time in EAT with zone, error, no secrets', async () => {
    const notifier = new Notifier(() => [channel(async () => SMTP_PASSWORD)]);
    notifier.onSchedulerEvent(failed);
    await notifier.flush();
    assert.equal(received.length, 1);
    const m = received[0];
    assert.ok(m);
    assert.deepEqual(m.to, ['admin@mvonoconsultants.com', 'dba@mvonoconsultants.com']);
    assert.equal(m.from, 'alerts@mvonoconsultants.com');
    assert.equal(m.auth?.pass, SMTP_PASSWORD, 'authenticated with the keychain password');
    const text = readable(m.data);
    assert.match(
      text,
      /^Subject: \[Mvono Backup\] FAILED: Database Full Backup \(2026-03-16 00:00 EAT \(UTC\+03:00\)\)/m,
    );
    assert.match(text, /^Date: Sun, 15 Mar 2026 21:07:00 \+0000/m);
    assert.match(text, /The backup "Database Full Backup" FAILED/);
    assert.match(text, /Scheduled for: 2026-03-16 00:00 EAT \(UTC\+03:00\)/);
    assert.match(text, /Failed at: {5}2026-03-16 00:07 EAT \(UTC\+03:00\)/);
    assert.match(text, /Attempts: {6}3/);
    assert.match(
      text,
      /Error: \[SOURCE_FAILED\] pg_dump failed: could not connect to postgres:\/\/backup:\*\*\*@db.internal/,
    );
    assert.match(text, /What to do: Check that the database server is running/);
    assert.ok(!text.includes(DB_PASSWORD), 'database password leaked into the mail');
    assert.ok(!text.includes(SMTP_PASSWORD), 'SMTP password leaked into the mail');
  });

  it('sends a missed-run mail listing the missed times in EAT', async () => {
    const before = received.length;
    const notifier = new Notifier(() => [channel(async () => SMTP_PASSWORD)]);
    const reports = await notifier.notify({
      event: 'backup.missed',
      plan: { id: missed.planId, name: missed.planName },
      time: '2026-03-16T05:00:00.000Z',
      scheduledFor: ['2026-03-07T23:00:00.000Z', '2026-03-14T23:00:00.000Z'],
      timeZone: 'Africa/Nairobi',
    });
    assert.deepEqual(reports, [{ channel: 'email', ok: true }]);
    const text = readable(received[before]?.data ?? '');
    assert.match(
      text,
      /Subject: \[Mvono Backup\] MISSED: Complete System Backup \(2 runs\) due 2026-03-08 02:00 EAT/,
    );
    assert.match(text, / {2}- 2026-03-08 02:00 EAT \(UTC\+03:00\)/);
    assert.match(text, / {2}- 2026-03-15 02:00 EAT \(UTC\+03:00\)/);
  });

  it('a wrong or missing keychain password is reported per channel, never thrown, never logged', async () => {
    const logged: string[] = [];
    const logger = {
      debug: () => {},
      info: () => {},
      warn: () => {},
      error: (m: string) => logged.push(m),
      child: () => logger,
    };
    const wrong = new Notifier(() => [channel(async () => 'wrong-pass-1234')], logger);
    const [r1] = await wrong.notify({
      event: 'job.failed',
      subject: 'x',
      time: failed.time,
      scheduledFor: [],
      timeZone: 'UTC',
    });
    assert.equal(r1?.ok, false);
    assert.match(r1?.error ?? '', /Could not send the notification e-mail through 127\.0\.0\.1/);
    const none = new Notifier(() => [channel(async () => undefined)]);
    const [r2] = await none.notify({
      event: 'job.failed',
      subject: 'x',
      time: failed.time,
      scheduledFor: [],
      timeZone: 'UTC',
    });
    assert.match(r2?.error ?? '', /No SMTP password/);
    assert.ok(!logged.join('\n').includes('wrong-pass-1234'));
  });
});

describe('webhook notifications (local HTTP server)', () => {
  it('POSTs JSON {event, plan, time, error} to every URL and reports a failing one', async () => {
    const got: { path: string; type: string | undefined; body: Record<string, unknown> }[] = [];
    const server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got.push({
          path: req.url ?? '',
          type: req.headers['content-type'],
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
        });
        res.statusCode = req.url === '/broken' ? 500 : 204;
        res.end();
      });
    });
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const ok = new Notifier(() => [new WebhookChannel([`${base}/a`, `${base}/b`])]);
      ok.onSchedulerEvent(failed);
      ok.onSchedulerEvent({
        ...failed,
        type: 'run.started',
        jobId: 'j',
        late: false,
        trigger: 'schedule',
      } as SchedulerEvent);
      await ok.flush();
      assert.deepEqual(got.map((g) => g.path).sort(), ['/a', '/b']);
      const body = got[0]?.body;
      assert.equal(got[0]?.type, 'application/json');
      assert.equal(body?.event, 'backup.failed');
      assert.deepEqual(body?.plan, { id: 'database-full', name: 'Database Full Backup' });
      assert.equal(body?.time, '2026-03-15T21:07:00.000Z');
      assert.equal(body?.timeLocal, '2026-03-16 00:07 EAT (UTC+03:00)');
      assert.equal((body?.error as { code?: string } | undefined)?.code, 'SOURCE_FAILED');
      assert.ok(!JSON.stringify(got).includes(DB_PASSWORD));

      const broken = new Notifier(() => [
        new WebhookChannel([`${base}/broken`, 'http://127.0.0.1:9/closed']),
      ]);
      const [r] = await broken.notify({
        event: 'job.failed',
        subject: 's',
        time: failed.time,
        scheduledFor: [],
        timeZone: 'UTC',
      });
      assert.equal(r?.ok, false);
      assert.match(r?.error ?? '', /\/broken answered HTTP 500/);
      assert.match(r?.error ?? '', /127\.0\.0\.1:9\/closed is unreachable/);
    } finally {
      await new Promise<void>((res) => server.close(() => res()));
    }
  });
});

describe('desktop notifications and channel isolation', () => {
  it('calls the desktop hook; a failing channel does not stop the others', async () => {
    const shown: { title: string; urgency: string }[] = [];
    const boom: NotificationChannel = {
      name: 'boom',
      send: async () => {
        throw new Error('down');
      },
    };
    const notifier = new Notifier(() => [boom, new DesktopChannel({ show: (n) => void shown.push(n) })]);
    notifier.onSchedulerEvent(missed);
    await notifier.flush();
    assert.equal(shown.length, 1);
    assert.match(shown[0]?.title ?? '', /^MISSED: Complete System Backup/);
    assert.equal(shown[0]?.urgency, 'normal');
  });
});
