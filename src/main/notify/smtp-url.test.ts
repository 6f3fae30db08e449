import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSmtpUrl } from './email.js';

describe('MVONO_SMTP_URL', () => {
  it('reads host, port, TLS mode, user and sender', () => {
    assert.deepEqual(parseSmtpUrl('smtp://alerts@mail.example.com:2525?from=backups@mvonoconsultants.com'), {
      host: 'mail.example.com',
      port: 2525,
      secure: false,
      user: 'alerts',
      from: 'backups@mvonoconsultants.com',
    });
    assert.equal(parseSmtpUrl('smtps://mail.example.com?from=a@b').port, 465);
    assert.equal(parseSmtpUrl('smtp://mail.example.com?from=a@b').port, 587);
  });
  it('rejects what it cannot use, saying what to write instead', () => {
    assert.throws(() => parseSmtpUrl('mail.example.com'), /not a URL/);
    assert.throws(() => parseSmtpUrl('http://mail.example.com?from=a@b'), /smtp:\/\/ or smtps:\/\//);
    assert.throws(() => parseSmtpUrl('smtp://mail.example.com'), /from=/);
  });
});
