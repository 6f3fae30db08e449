import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { FakeClock } from './clock.js';
import { clearRegisteredSecrets, createLogger, type LogRecord, redact, registerSecret } from './logger.js';

describe('redact', () => {
  afterEach(() => clearRegisteredSecrets());

  const cases: { name: string; input: string; secret: string; keep?: string }[] = [
    {
      name: 'password in a PostgreSQL URI',
      input: 'connect postgres://backup:S3cr3t!pw@db.internal:5432/app failed',
      secret: 'S3cr3t!pw',
      keep: 'postgres://backup:***@db.internal:5432/app',
    },
    {
      name: 'mysql URI',
      input: 'mysql://root:hunter22@127.0.0.1/shop',
      secret: 'hunter22',
      keep: 'root:***@',
    },
    { name: 'password=', input: 'host=db user=app password=topsecret dbname=x', secret: 'topsecret' },
    {
      name: 'PGPASSWORD=',
      input: 'env PGPASSWORD=pgpass123 pg_dump -Fd',
      secret: 'pgpass123',
      keep: 'pg_dump',
    },
    { name: 'MYSQL_PWD=', input: 'MYSQL_PWD=mysqlpw99 mariadb-dump', secret: 'mysqlpw99' },
    {
      name: 'JSON secret field',
      input: '{"user":"a","password":"jsonpw77"}',
      secret: 'jsonpw77',
      keep: '"user":"a"',
    },
    {
      name: 'aws_secret_access_key in a credentials file',
      input: 'aws_secret_access_key = abcdEFGHijklMNOPqrst',
      secret: 'abcdEFGHijklMNOPqrst',
    },
    {
      name: 'AWS secret-looking 40-char base64',
      input: 'key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY used',
      secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    },
    { name: 'CLI flag', input: 'mvono-backup init --password hunter2x --repo s3', secret: 'hunter2x' },
    { name: 'Authorization header', input: 'Authorization: Bearer eyJhbGciOi.abc.def', secret: 'eyJhbGciOi' },
    { name: 'token=', input: 'GET /hook?token=tok_123456&x=1', secret: 'tok_123456', keep: 'x=1' },
    {
      name: 'PEM private key',
      input: 'key: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADAN\n-----END PRIVATE KEY----- done',
      secret: 'MIIEvQIBADAN',
    },
  ];
  for (const c of cases) {
    it(`masks ${c.name}`, () => {
      const out = redact(c.input);
      assert.ok(!out.includes(c.secret), `secret leaked: ${out}`);
      assert.ok(out.includes('***'), out);
      if (c.keep !== undefined) assert.ok(out.includes(c.keep), `lost context: ${out}`);
    });
  }

  it('leaves ordinary text, hex digests and snapshot ids alone', () => {
    const text =
      'snapshot 3f786850e387550fdab836ed7e6dc881de23001b stored; The password is wrong for database app; ' +
      'https://s3.example.com/bucket/key';
    assert.equal(redact(text), text);
  });

  it('masks registered exact values (e.g. from the keychain)', () => {
    registerSecret('plain value without pattern');
    assert.equal(redact('got plain value without pattern here'), 'got *** here');
  });
});

describe('createLogger', () => {
  it('stamps time from the clock, scopes children, filters by level and redacts message and fields', () => {
    const lines: LogRecord[] = [];
    const log = createLogger({ sink: (r) => lines.push(r), clock: new FakeClock('2026-03-01T00:00:00Z') });
    log.debug('hidden');
    log.child('scheduler').warn('dump failed: postgres://u:pw1234@h/db', { password: 'x1', plan: 'p' });
    assert.equal(lines.length, 1);
    const r = lines[0];
    assert.ok(r);
    assert.equal(r.time, '2026-03-01T00:00:00.000Z');
    assert.equal(r.scope, 'scheduler');
    assert.equal(r.message, 'dump failed: postgres://u:***@h/db');
    assert.deepEqual(r.fields, { password: '***', plan: 'p' });
  });
});
