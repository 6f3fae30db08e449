/**
 * Picks the transport: `window.api` (Electron preload) when present, else HTTP to
 * `mvono-backup serve` (POST /rpc, SSE /events) with the per-launch token from the URL fragment.
 */

import type { Transport } from '../../shared/client.js';
import type { EventName, EventPayload } from '../../shared/contract/events.js';
import { EVENT_NAMES } from '../../shared/contract/events.js';
import type { CallName } from '../../shared/contract/index.js';
import type { RpcResponse } from '../../shared/contract/rpc.js';
import { TOKEN_HEADER } from '../../shared/contract/rpc.js';
import type { WindowApi } from '../../shared/window-api.js';

export type AnyEventHandler = (event: EventName, payload: unknown) => void;

export interface Connection {
  kind: 'electron' | 'http';
  transport: Transport;
  /** Subscribes to every host event; returns the unsubscribe function. */
  subscribe(cb: AnyEventHandler): () => void;
  /** Why the console cannot talk to the host at all (e.g. browser opened without the token). */
  problem?: string;
}

const TOKEN_KEY = 'mvono.serveToken';

/** Reads `#token=…` once, keeps it in sessionStorage and removes it from the address bar. */
export function takeTokenFromLocation(loc: Location, storage: Storage, history: History): string | undefined {
  const m = /(?:^#|[#&])token=([^&]+)/.exec(loc.hash);
  if (m?.[1]) {
    const token = decodeURIComponent(m[1]);
    storage.setItem(TOKEN_KEY, token);
    history.replaceState(null, '', `${loc.pathname}${loc.search}#/`);
    return token;
  }
  return storage.getItem(TOKEN_KEY) ?? undefined;
}

function electronApi(): WindowApi | undefined {
  const w = window as Partial<Window>;
  return w.api && typeof w.api.call === 'function' ? w.api : undefined;
}

function failure(
  code: 'UNAUTHENTICATED' | 'TRANSIENT' | 'INTERNAL',
  message: string,
  hint?: string,
): RpcResponse {
  return { ok: false, error: hint ? { code, message, hint } : { code, message } };
}

function httpTransport(token: string | undefined): Transport {
  return async (method: CallName, input: unknown) => {
    let res: Response;
    try {
      res = await fetch('/rpc', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', ...(token ? { [TOKEN_HEADER]: token } : {}) },
        body: JSON.stringify({ method, input }),
      });
    } catch {
      return failure(
        'TRANSIENT',
        'Cannot reach the console server.',
        'Check that `mvono-backup serve` is still running, then reload.',
      );
    }
    const text = await res.text();
    try {
      return JSON.parse(text) as RpcResponse;
    } catch {
      if (res.status === 401 || res.status === 403) {
        return failure(
          'UNAUTHENTICATED',
          'This console link is not valid any more.',
          'Open the link printed by `mvono-backup serve` again (it ends with #token=…).',
        );
      }
      return failure('INTERNAL', `The console server answered HTTP ${res.status}.`);
    }
  };
}

/**
 * serve accepts the token on /events as an HttpOnly launch cookie (POST /session/bootstrap) or as a
 * query parameter; the cookie keeps the token out of URLs and logs, the query is the fallback.
 */
async function bootstrapCookie(token: string): Promise<boolean> {
  try {
    const res = await fetch('/session/bootstrap', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { [TOKEN_HEADER]: token },
    });
    return res.ok;
  } catch {
    return false;
  }
}

function sseSubscribe(token: string | undefined, cb: AnyEventHandler): () => void {
  let source: EventSource | undefined;
  let closed = false;
  const parse = (name: EventName) => (ev: MessageEvent<string>) => {
    try {
      cb(name, JSON.parse(ev.data));
    } catch {
      // a malformed event is ignored; queries still refetch on focus
    }
  };
  const open = (withQuery: boolean) => {
    if (closed) return;
    const url = withQuery && token ? `/events?token=${encodeURIComponent(token)}` : '/events';
    source = new EventSource(url, { withCredentials: true });
    for (const name of EVENT_NAMES) source.addEventListener(name, parse(name) as EventListener);
  };
  if (token) void bootstrapCookie(token).then((ok) => open(!ok));
  else open(false);
  return () => {
    closed = true;
    source?.close();
  };
}

export function connect(): Connection {
  const win = electronApi();
  if (win) {
    return {
      kind: 'electron',
      transport: (method, input) => win.call(method, input as never) as Promise<RpcResponse>,
      subscribe(cb) {
        const offs = EVENT_NAMES.map((name) =>
          win.on(name, (payload: EventPayload<typeof name>) => cb(name, payload)),
        );
        return () => {
          for (const off of offs) off();
        };
      },
    };
  }
  const token = takeTokenFromLocation(window.location, window.sessionStorage, window.history);
  return {
    kind: 'http',
    transport: httpTransport(token),
    subscribe: (cb) => sseSubscribe(token, cb),
    ...(token
      ? {}
      : {
          problem:
            'This page was opened without its access token. Open the full link printed by ' +
            '`mvono-backup serve` (it ends with #token=…).',
        }),
  };
}
