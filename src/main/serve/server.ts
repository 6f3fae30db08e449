/**
 * `serve`: the console over HTTP for headless servers (reach it through an SSH tunnel).
 *   POST /rpc {method, input} -> {ok, data} | {ok:false, error}
 *   GET  /events              -> Server-Sent Events of the contract's event map
 *   POST /session/bootstrap   -> sets the launch token as an HttpOnly cookie (so SSE needs no query token)
 *   GET  /*                   -> the built renderer (SPA fallback)
 * Binds 127.0.0.1; a per-launch random token (printed in the URL fragment, never sent by the browser
 * on its own) is required for /rpc and /events; Host and Origin are checked (DNS-rebinding safe).
 * The token only reaches the login screen: sign-in and MFA are the Host's, as on the desktop.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TOKEN_HEADER } from '../../shared/contract/rpc.js';
import type { SessionRef } from '../host/context.js';
import type { Host } from '../host/host.js';
import {
  allowedHosts,
  hostAllowed,
  NO_STORE,
  originAllowed,
  parseCookies,
  securityHeaders,
  tokenMatches,
} from './security.js';
import { serveStatic } from './static.js';

export interface ServeOptions {
  host: Host;
  /** Address to bind (default 127.0.0.1). Anything else is refused unless allowRemoteBind. */
  bindHost?: string;
  port?: number;
  staticDir?: string;
  /** Fixed token (tests); default: 256 random bits. */
  token?: string;
  allowRemoteBind?: boolean;
}

export interface ServeHandle {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startServe(opts: ServeOptions): Promise<ServeHandle> {
  const bindHost = opts.bindHost ?? '127.0.0.1';
  if (!LOOPBACK.has(bindHost) && !opts.allowRemoteBind) {
    throw new Error(`serve binds to loopback only (got ${bindHost}); use an SSH tunnel to reach it`);
  }
  const token = opts.token ?? randomBytes(32).toString('base64url');
  const base = securityHeaders();
  let allowed = new Set<string>();
  let sessionCookie = 'mvono_session';
  let launchCookie = 'mvono_launch';
  const streams = new Set<ServerResponse>();

  const send = (res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}) => {
    res.writeHead(status, {
      ...base,
      ...NO_STORE,
      'Content-Type': 'application/json; charset=utf-8',
      ...extra,
    });
    res.end(JSON.stringify(body));
  };
  const refuse = (res: ServerResponse, status: number, message: string) =>
    send(res, status, {
      ok: false,
      error: { code: status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN', message },
    });
  const cookie = (name: string, value: string, maxAge?: number) =>
    `${name}=${encodeURIComponent(value)}; HttpOnly; SameSite=Strict; Path=/${maxAge !== undefined ? `; Max-Age=${maxAge}` : ''}`;

  const hasToken = (req: IncomingMessage, url: URL): boolean => {
    const h = req.headers[TOKEN_HEADER.toLowerCase()];
    const header = Array.isArray(h) ? h[0] : h;
    const c = parseCookies(req.headers.cookie)[launchCookie];
    const q = url.pathname === '/events' ? (url.searchParams.get('token') ?? undefined) : undefined;
    return tokenMatches(header, token) || tokenMatches(c, token) || tokenMatches(q, token);
  };

  async function rpc(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      return send(res, 415, {
        ok: false,
        error: { code: 'INVALID_INPUT', message: 'Send application/json.' },
      });
    }
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return send(res, 400, {
        ok: false,
        error: { code: 'INVALID_INPUT', message: 'The request body is not JSON.' },
      });
    }
    const b = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
    if (typeof b.method !== 'string') {
      return send(res, 400, {
        ok: false,
        error: { code: 'INVALID_INPUT', message: 'method: must be a call name.' },
      });
    }
    const before = parseCookies(req.headers.cookie)[sessionCookie];
    const ref: SessionRef = { token: before };
    const result = await opts.host.call(ref, b.method, b.input ?? {});
    const extra: Record<string, string> = {};
    if (ref.token !== before)
      extra['Set-Cookie'] = ref.token ? cookie(sessionCookie, ref.token) : cookie(sessionCookie, '', 0);
    send(res, 200, result, extra);
  }

  function events(req: IncomingMessage, res: ServerResponse): void {
    const sessionToken = parseCookies(req.headers.cookie)[sessionCookie];
    res.writeHead(200, {
      ...base,
      ...NO_STORE,
      'Content-Type': 'text/event-stream',
      Connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    streams.add(res);
    const off = opts.host.bus.onAny((event, payload) => {
      if (!opts.host.sessionValid(sessionToken)) return;
      res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
    });
    const beat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(beat);
      off();
      streams.delete(res);
    });
  }

  const server = createServer((req, res) => {
    void (async () => {
      if (!hostAllowed(req.headers.host, allowed)) return refuse(res, 403, 'Unexpected Host header.');
      const origin = req.headers.origin;
      const url = new URL(req.url ?? '/', 'http://localhost');
      const api =
        url.pathname === '/rpc' || url.pathname === '/events' || url.pathname.startsWith('/session/');
      if (api && !originAllowed(origin, allowed))
        return refuse(res, 403, 'Requests from other origins are refused.');
      if (api && !hasToken(req, url))
        return refuse(
          res,
          401,
          'Missing or wrong console token; open the URL printed by `mvono-backup serve`.',
        );
      if (url.pathname === '/rpc' && req.method === 'POST') return rpc(req, res);
      if (url.pathname === '/events' && req.method === 'GET') return events(req, res);
      if (url.pathname === '/session/bootstrap' && req.method === 'POST') {
        res.writeHead(204, { ...base, ...NO_STORE, 'Set-Cookie': cookie(launchCookie, token) });
        return void res.end();
      }
      if (api)
        return send(res, 405, {
          ok: false,
          error: { code: 'INVALID_INPUT', message: 'Method not allowed.' },
        });
      if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 403, 'Method not allowed.');
      if (!opts.staticDir) {
        res.writeHead(404, { ...base, 'Content-Type': 'text/plain; charset=utf-8' });
        return void res.end('No renderer build configured.');
      }
      await serveStatic(opts.staticDir, url.pathname, res, base);
    })().catch(() => {
      if (!res.headersSent)
        send(res, 500, { ok: false, error: { code: 'INTERNAL', message: 'Unexpected internal error.' } });
      else res.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, bindHost, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  allowed = allowedHosts(bindHost, port);
  sessionCookie = `mvono_session_${port}`;
  launchCookie = `mvono_launch_${port}`;
  const shownHost = bindHost.includes(':') ? `[${bindHost}]` : bindHost;
  return {
    url: `http://${shownHost}:${port}/#token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of streams) s.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
