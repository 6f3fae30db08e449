/**
 * `COPY ... FROM STDIN` through a node-postgres client: the statement is sent, and once the server
 * asks for the data (CopyInResponse) the bytes of `data` follow as CopyData messages, written to
 * the socket as it drains, then CopyDone. Resolves with the rows the server reports ("COPY n").
 *
 * Restores used to feed `psql -f -` through a pipe; going straight to the server saves psql's
 * process and its copy of every byte (~0.3 core-s for 450 MB), in a step where the server's own
 * COPY already keeps both cores busy.
 *
 * Failures: an error reading `data` (a damaged backup) is sent to the server as CopyFail, and the
 * promise rejects with that read error; an error from the server (bad data, constraint, lost
 * connection) ends the feeding and rejects with the server's error. `signal` destroys the
 * connection, which makes the server abort the COPY.
 * pg calls the handle* methods below (its "submittable" interface, as pg-copy-streams uses it).
 */
import type pg from 'pg';
import { cancelled } from '../../platform/errors.js';

/** The parts of pg's Connection used here (not in its type declarations). */
interface PgConnection {
  query(text: string): void;
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
  stream: NodeJS.WritableStream & { writableNeedDrain: boolean; destroy(): void };
}

export function copyIn(
  client: pg.Client,
  sql: string,
  data: AsyncIterable<Uint8Array>,
  signal?: AbortSignal,
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let rows = 0;
    let settled = false;
    let serverError: Error | undefined;
    let readError: unknown;
    let connection: PgConnection | undefined;
    const finish = (e?: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) reject(cancelled());
      else if (readError !== undefined) reject(readError);
      else if (e !== undefined) reject(e);
      else resolve(rows);
    };
    const onAbort = () => {
      connection?.stream.destroy();
      finish(cancelled());
    };
    const feed = async (con: PgConnection) => {
      try {
        for await (const chunk of data) {
          if (serverError || settled) return;
          if (chunk.length === 0) continue;
          sendCopyData(con.stream, chunk);
          if (con.stream.writableNeedDrain) await drained(con.stream);
        }
        if (!serverError && !settled) con.endCopyFrom();
      } catch (e) {
        readError = e;
        if (!serverError && !settled) con.sendCopyFail('the data could not be read from the backup');
      }
    };
    const query = {
      submit(con: PgConnection) {
        connection = con;
        con.query(sql);
      },
      handleCopyInResponse(con: PgConnection) {
        void feed(con);
      },
      handleCommandComplete(msg: { text?: string }) {
        rows = Number(/^COPY (\d+)/.exec(msg.text ?? '')?.[1] ?? 0);
      },
      handleReadyForQuery() {
        finish(serverError);
      },
      // pg forgets the query before calling this (the ReadyForQuery that follows is not passed on),
      // so the COPY ends here.
      handleError(e: Error) {
        serverError ??= e;
        finish(e);
      },
    };
    if (signal?.aborted) return finish(cancelled());
    signal?.addEventListener('abort', onAbort, { once: true });
    (client as unknown as { query(q: unknown): void }).query(query);
  });
}

/**
 * One CopyData message ('d', int32 length, the bytes): its 5-byte header and `chunk` itself go to
 * the socket in one writev. pg's `sendCopyFromChunk` copies every chunk into a fresh buffer first,
 * which on the benchmark VM cost a page fault per 4 KiB of the restored data, on the main thread.
 * `chunk` is not copied: the caller must not change it afterwards (restores pass blobs just opened).
 */
function sendCopyData(stream: PgConnection['stream'], chunk: Uint8Array): void {
  const header = Buffer.allocUnsafe(5);
  header[0] = 0x64;
  header.writeInt32BE(chunk.length + 4, 1);
  const s = stream as unknown as { cork(): void; uncork(): void; write(b: Uint8Array): boolean };
  s.cork();
  s.write(header);
  s.write(chunk);
  s.uncork();
}

/** Resolves when the socket can take more, or is gone. */
function drained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}
