/**
 * Row samples: keys are recorded as composite text at dump time and looked up by primary key on a
 * restored copy. Keys with commas, quotes, backslashes, spaces, parentheses, empty strings, dates
 * and composite primary keys must come back as exactly the same rows; a large table is sampled
 * from a block sample (not sorted whole) and still yields SAMPLE_SIZE rows.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SAMPLE_SIZE } from '../../src/main/sources/facts.js';
import { STABLE_TEXT_SETTINGS } from '../../src/main/sources/postgres/connect.js';
import {
  listPgTables,
  parseRowText,
  pgTableFacts,
  ROWS_FROM_DUMP,
} from '../../src/main/sources/postgres/facts.js';
import { dropPg, uniqueDbName, withPgDb } from '../support/mgmt-db.js';

describe('postgres row samples', () => {
  const db = uniqueDbName('mvono_samples');
  before(async () => {
    await withPgDb('postgres', (c) => c.query(`CREATE DATABASE ${db}`));
    await withPgDb(db, async (c) => {
      await c.query(`CREATE TABLE odd (k text, n int, d date, v text, PRIMARY KEY (k, n, d))`);
      const keys = [
        'a,b',
        'say "hi"',
        'back\\slash',
        ' spaced ',
        '(paren)',
        '',
        'plain',
        'ümlaut ☕',
        'a""b',
      ];
      for (const [i, k] of keys.entries()) {
        await c.query('INSERT INTO odd VALUES ($1, $2, $3, $4)', [k, i, `2024-01-0${(i % 9) + 1}`, `v${i}`]);
      }
      await c.query('CREATE TABLE big (id bigint PRIMARY KEY, payload text)');
      await c.query("INSERT INTO big SELECT g, repeat('x', 50) FROM generate_series(1, 200000) g");
      await c.query('ANALYZE big');
      // Without a key: one large (analysed), one small; and a keyed table never analysed.
      await c.query('CREATE TABLE log_big (at int, line text)');
      await c.query("INSERT INTO log_big SELECT g, 'l' || g FROM generate_series(1, 30000) g");
      await c.query('ANALYZE log_big');
      await c.query('CREATE TABLE log_small (at int, line text)');
      await c.query("INSERT INTO log_small VALUES (1, 'a'), (2, 'b')");
      await c.query('ANALYZE log_small');
      await c.query('CREATE TABLE fresh (id int PRIMARY KEY) WITH (autovacuum_enabled = false)');
      await c.query('INSERT INTO fresh SELECT generate_series(1, 70)');
    });
  });
  after(() => dropPg(db));

  it('splits composite key text as record_out writes it', () => {
    assert.deepEqual(parseRowText('(1)'), ['1']);
    assert.deepEqual(parseRowText('("a,b",2)'), ['a,b', '2']);
    assert.deepEqual(parseRowText('("say ""hi""",3)'), ['say "hi"', '3']);
    assert.deepEqual(parseRowText('("back\\\\slash",4)'), ['back\\slash', '4']);
    assert.deepEqual(parseRowText('("",5)'), ['', '5']);
    assert.equal(parseRowText('(,5)'), undefined, 'a NULL field');
    assert.equal(parseRowText('1'), undefined);
  });

  it('looks the sampled rows up by key and finds exactly the same rows', async () => {
    await withPgDb(db, async (c) => {
      for (const s of STABLE_TEXT_SETTINGS) await c.query(s);
      for (const t of (await listPgTables(c)).filter((x) => x.primaryKey.length > 0)) {
        const sampled = await pgTableFacts(c, t);
        assert.equal(Object.keys(sampled.samples ?? {}).length, Math.min(SAMPLE_SIZE, sampled.rows), t.name);
        const looked = await pgTableFacts(c, t, sampled);
        assert.deepEqual(looked.samples, sampled.samples, t.name);
      }
    });
  });

  it('samples a large table from a block sample without reading it in key order', async () => {
    await withPgDb(db, async (c) => {
      for (const s of STABLE_TEXT_SETTINGS) await c.query(s);
      const big = (await listPgTables(c)).find((t) => t.name === 'big');
      assert.ok(big);
      const facts = await pgTableFacts(c, big);
      assert.equal(facts.rows, 200000);
      const ids = Object.keys(facts.samples ?? {}).map((k) => Number(k.replace(/[()]/g, '')));
      assert.equal(ids.length, SAMPLE_SIZE);
      assert.ok(Math.max(...ids) - Math.min(...ids) > 50000, 'spread over the table, not its first rows');
    });
  });

  it("with rows 'from-dump', leaves the count to the dump where an estimate sizes the sample", async () => {
    await withPgDb(db, async (c) => {
      for (const s of STABLE_TEXT_SETTINGS) await c.query(s);
      const tables = new Map((await listPgTables(c)).map((t) => [t.name, t]));
      const facts = async (name: string) => pgTableFacts(c, tables.get(name)!, undefined, 'from-dump');
      const big = await facts('big');
      assert.equal(big.rows, ROWS_FROM_DUMP, 'keyed and analysed: counted in the dump');
      assert.equal(Object.keys(big.samples ?? {}).length, SAMPLE_SIZE, 'sampled all the same');
      const logBig = await facts('log_big');
      assert.equal(logBig.rows, ROWS_FROM_DUMP, 'no key, far too large for a whole-table hash');
      assert.equal(logBig.wholeHash, undefined);
      const logSmall = await facts('log_small');
      assert.equal(logSmall.rows, 2, 'no key and small: counted here, for its whole-table hash');
      assert.equal(logSmall.wholeHash, (await pgTableFacts(c, tables.get('log_small')!)).wholeHash);
      assert.ok(logSmall.wholeHash);
      const fresh = await facts('fresh');
      assert.equal(tables.get('fresh')?.estimatedRows, -1, 'never analysed');
      assert.equal(fresh.rows, 70, 'no estimate to size its sample: counted here');
      assert.equal(Object.keys(fresh.samples ?? {}).length, SAMPLE_SIZE);
    });
  });
});
