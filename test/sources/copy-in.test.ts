/**
 * COPY FROM STDIN straight through a pg connection (restores' data section), against the real
 * server: the rows arrive and are counted, including data sent in pieces that split rows and a
 * trailing end-of-data line; bad data fails with the server's error; a read error (a damaged
 * backup) is sent as CopyFail and reported as itself; a cancel ends the COPY; after an error the
 * session is still usable and nothing of the failed COPY is in the table.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { AppError, isAppError } from '../../src/main/platform/errors.js';
import { connectPg } from '../../src/main/sources/postgres/connect.js';
import { copyIn } from '../../src/main/sources/postgres/copy-in.js';
import { createPgDb, dropPg, pgProfile, uniqueDbName } from '../support/mgmt-db.js';

async function* pieces(text: string, size: number): AsyncGenerator<Uint8Array> {
  const b = Buffer.from(text);
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

describe('COPY FROM STDIN through the connection', () => {
  const db = uniqueDbName('mvono_copyin');
  let c: pg.Client;
  const count = async () => Number((await c.query('SELECT count(*)::int AS n FROM t')).rows[0].n);
  before(async () => {
    await createPgDb(db);
    c = await connectPg(pgProfile(db), {});
    await c.query('CREATE TABLE t (id int PRIMARY KEY, note text)');
  });
  after(async () => {
    await c.end();
    await dropPg(db);
  });

  it('loads and counts the rows, whatever the pieces, up to the end-of-data line', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `${i}\tnote ${i} — ünïcode\\twith tab\n`).join('');
    const n = await copyIn(c, 'COPY t (id, note) FROM stdin;', pieces(`${rows}\\.\n\n`, 777));
    assert.equal(n, 5000);
    assert.equal(await count(), 5000);
    const r = await c.query('SELECT note FROM t WHERE id = 4999');
    assert.equal(r.rows[0].note, 'note 4999 — ünïcode\twith tab');
  });

  it('fails with the server error on bad data, loads nothing of it, and the session goes on', async () => {
    await assert.rejects(
      copyIn(c, 'COPY t (id, note) FROM stdin;', pieces('9001\tok\nnot-a-number\tbad\n', 5)),
      (e) => /invalid input syntax for type integer/.test((e as Error).message),
    );
    assert.equal(await count(), 5000);
  });

  it('reports a read error as itself (sent to the server as CopyFail)', async () => {
    async function* damaged(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('9002\tfirst\n');
      throw new AppError('INTEGRITY', 'blob 1234 failed authentication');
    }
    await assert.rejects(copyIn(c, 'COPY t (id, note) FROM stdin;', damaged()), (e) =>
      isAppError(e, 'INTEGRITY'),
    );
    assert.equal(await count(), 5000);
  });

  it('a cancel ends the COPY with CANCELLED', async () => {
    const own = await connectPg(pgProfile(db), {});
    own.on('error', () => {});
    const stop = new AbortController();
    async function* slow(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('9003\tbefore the cancel\n');
      stop.abort();
      await new Promise((r) => setTimeout(r, 50));
      yield Buffer.from('9004\tafter\n');
    }
    await assert.rejects(copyIn(own, 'COPY t (id, note) FROM stdin;', slow(), stop.signal), (e) =>
      isAppError(e, 'CANCELLED'),
    );
    await own.end().catch(() => {});
    assert.equal(await count(), 5000);
    await assert.rejects(
      copyIn(c, 'COPY t (id, note) FROM stdin;', pieces('1\tx\n', 4), stop.signal),
      (e) => isAppError(e, 'CANCELLED'),
      'an aborted signal refuses to start',
    );
  });
});
