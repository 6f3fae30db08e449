import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ServeHandle, startServe } from '../../src/main/serve/server.js';
import { ADMIN_PASSWORD, code, makeTestHost, type TestHost } from './support.js';

function rawGet(
  port: number,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serve: HTTP transport', () => {
  let t: TestHost;
  let s: ServeHandle;
  let base: string;
  let cookie = '';
  before(async () => {
    t = makeTestHost();
    const dist = join(t.dir, 'renderer');
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Mvono</title>');
    writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1)');
    s = await startServe({ host: t.host, port: 0, staticDir: dist });
    base = `http://127.0.0.1:${s.port}`;
  });
  after(async () => {
    await s.close();
    await t.close();
  });

  const rpc = (method: string, input: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}/rpc`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Mvono-Token': s.token,
        Origin: base,
        ...(cookie ? { Cookie: cookie } : {}),
        ...headers,
      },
      body: JSON.stringify({ method, input }),
    });

  it('prints a loopback URL with the token in the fragment', () => {
    assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
  });

  it('serves the renderer with security headers and SPA fallback', async () => {
    for (const path of ['/', '/plans/abc']) {
      const r = await fetch(`${base}${path}`);
      assert.equal(r.status, 200);
      assert.match(await r.text(), /Mvono/);
      assert.match(
        r.headers.get('content-security-policy') ?? '',
        /default-src 'self'.*frame-ancestors 'none'/,
      );
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
    }
    assert.equal((await fetch(`${base}/assets/app.js`)).status, 200);
    assert.equal((await fetch(`${base}/assets/missing.js`)).status, 404);
    const trav = await rawGet(s.port, '/..%2f..%2f..%2fetc%2fpasswd', { Host: `127.0.0.1:${s.port}` });
    assert.doesNotMatch(trav.body, /root:/);
  });

  it('refuses /rpc without the token', async () => {
    const r = await fetch(`${base}/rpc`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"method":"auth.status","input":{}}',
    });
    assert.equal(r.status, 401);
    const w = await rpc('auth.status', {}, { 'X-Mvono-Token': 'x'.repeat(43) });
    assert.equal(w.status, 401);
  });

  it('refuses other Origins and other Host names (DNS rebinding)', async () => {
    assert.equal((await rpc('auth.status', {}, { Origin: 'http://evil.example' })).status, 403);
    assert.equal((await rpc('auth.status', {}, { Origin: `http://127.0.0.1:${s.port + 1}` })).status, 403);
    const r = await rawGet(s.port, '/', { Host: `evil.example:${s.port}` });
    assert.equal(r.status, 403);
  });

  it('round-trips a call with no caching, and signs in with password + TOTP via an HttpOnly cookie', async () => {
    const r = await rpc('auth.status', {});
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await r.json(), { ok: true, data: { setupRequired: true } });
    const en = (await (
      await rpc('auth.setup', { username: 'admin', displayName: 'A', password: ADMIN_PASSWORD })
    ).json()) as {
      data: { enrollmentId: string; secret: string };
    };
    const done = await rpc('auth.completeEnrollment', {
      enrollmentId: en.data.enrollmentId,
      totp: code(en.data.secret, t.clock),
    });
    const setCookie = done.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    const body = (await done.json()) as { ok: boolean; data: Record<string, unknown> };
    assert.equal(body.ok, true);
    assert.ok(
      !JSON.stringify(body).includes(setCookie.split(';')[0]?.split('=')[1] ?? 'none'),
      'token not in the body',
    );
    cookie = setCookie.split(';')[0] ?? '';
    const me = (await (await rpc('auth.me', {})).json()) as { ok: boolean; data: { username: string } };
    assert.equal(me.data.username, 'admin');
  });

  it('answers bad requests with clear codes', async () => {
    const r = await fetch(`${base}/rpc`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Mvono-Token': s.token },
      body: '{nope',
    });
    assert.equal(r.status, 400);
    const u = (await (await rpc('no.such', {})).json()) as { error: { code: string } };
    assert.equal(u.error.code, 'NOT_FOUND');
  });

  it('streams events over SSE to a signed-in console', async () => {
    const ac = new AbortController();
    const res = await fetch(`${base}/events?token=${s.token}`, {
      headers: { Cookie: cookie, Origin: base },
      signal: ac.signal,
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = res.body?.getReader();
    assert.ok(reader);
    await reader.read(); // ": connected"
    t.host.bus.emit('job.progress', { jobId: 'j1', phase: 'upload', bytesDone: 10, filesDone: 1, rate: 5 });
    let text = '';
    while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    assert.match(text, /event: job\.progress\ndata: \{.*"jobId":"j1"/);
    ac.abort();
    const noToken = await fetch(`${base}/events`, { headers: { Cookie: cookie } });
    assert.equal(noToken.status, 401);
  });

  it('refuses to bind anything but loopback', async () => {
    await assert.rejects(startServe({ host: t.host, bindHost: '0.0.0.0', port: 0 }), /loopback/);
  });
});
