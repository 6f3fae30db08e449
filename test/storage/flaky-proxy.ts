/**
 * TEST DOUBLE: an HTTP pass-through proxy in front of a real server (radosgw, the GCS emulator)
 * that misbehaves on chosen requests: resets the connection, answers 503 SlowDown, hangs (the
 * client times out), or delays. Requests without a queued fault are forwarded unchanged (the Host
 * header too, so SigV4 signatures still verify). Lets adapter error mapping and retry be tested
 * against real network failures.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProxyFault = 'reset' | '503' | '500' | 'hang' | { delayMs: number };

export class FlakyProxy {
  private server: Server | undefined;
  private readonly faults: { match: (method: string, path: string) => boolean; fault: ProxyFault }[] = [];
  readonly seen: string[] = [];
  port = 0;

  constructor(private readonly target: URL) {}

  /** Queues a fault for the next request matching `match` (default: any). */
  fail(fault: ProxyFault, match: (method: string, path: string) => boolean = () => true): this {
    this.faults.push({ match, fault });
    return this;
  }

  get pending(): number {
    return this.faults.length;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      this.seen.push(`${method} ${path}`);
      const i = this.faults.findIndex((f) => f.match(method, path));
      const fault = i >= 0 ? this.faults.splice(i, 1)[0]?.fault : undefined;
      if (fault === 'reset') {
        req.socket.destroy();
        return;
      }
      if (fault === 'hang') return; // never answers; the client's timeout fires
      if (fault === '503' || fault === '500') {
        req.resume();
        req.on('end', () => {
          const code = fault === '503' ? 'SlowDown' : 'InternalError';
          res.writeHead(Number(fault), { 'content-type': 'application/xml' });
          res.end(`<?xml version="1.0"?><Error><Code>${code}</Code><Message>injected</Message></Error>`);
        });
        return;
      }
      const forward = () => {
        const up = request(
          { host: this.target.hostname, port: this.target.port, method, path, headers: req.headers },
          (upRes) => {
            res.writeHead(upRes.statusCode ?? 502, upRes.headers);
            upRes.pipe(res);
          },
        );
        up.on('error', () => req.socket.destroy());
        req.pipe(up);
      };
      if (typeof fault === 'object') setTimeout(forward, fault.delayMs);
      else forward();
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
