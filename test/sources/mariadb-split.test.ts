/**
 * The MariaDB dump splitter on its own: one file per table from mariadb-dump's section markers,
 * each starting with the dump's header, byte for byte whatever sizes the stream arrives in. A
 * multi-byte character straddling two pieces of the stream once came out as U+FFFD (a restored row
 * that no longer matched its sampled hash, seen as a rare test failure).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DumpSplitter, tableFileName } from '../../src/main/sources/mariadb/split.js';

const HEADER = [
  '/*!40101 SET NAMES utf8mb4 */;',
  '/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;',
  "/*!40103 SET TIME_ZONE='+00:00' */;",
  '/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;',
];
const CLIENTS = [
  "INSERT INTO `clients` VALUES (347,'Ushauri ☕ Ltd #347','KE','Nairobi','P012345678X','2021-03-04 05:06:07','Mteja wa Nairobi: — “Zoë” 🚚'),",
  "(348,'Kampuni 🚚 #348','TZ','Arusha',NULL,'2021-01-01 00:00:00',NULL);",
];
const WEIRD = ["INSERT INTO `odd``name` VALUES (1,'ñandú – 日本語 – ✓');"];
const DUMP = [
  '-- MariaDB dump 10.19',
  '--',
  ...HEADER,
  '',
  '--',
  '-- Dumping data for table `clients`',
  '--',
  '',
  ...CLIENTS,
  '',
  '--',
  '-- Dumping data for table `odd``name`',
  '--',
  '',
  ...WEIRD,
  '/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;',
  '/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;',
  '',
].join('\n');

async function split(dir: string, pieces: Buffer[]): Promise<Map<string, Buffer>> {
  const s = new DumpSplitter(dir, (kind, name) => (kind === 'data' ? tableFileName(name) : undefined));
  await new Promise<void>((resolve, reject) => {
    s.on('finish', resolve);
    s.on('error', reject);
    for (const p of pieces) s.write(p);
    s.end();
  });
  const out = new Map<string, Buffer>();
  for (const f of await readdir(dir)) out.set(f, await readFile(join(dir, f)));
  return out;
}

describe('mariadb dump splitter', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mvono-split-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('writes each table with the header, byte for byte, whatever the pieces the stream arrives in', async () => {
    const bytes = Buffer.from(DUMP, 'utf8');
    const whole = await split(join(dir, 'whole'), [bytes]);
    assert.deepEqual([...whole.keys()].sort(), [tableFileName('clients'), tableFileName('odd`name')].sort());
    for (const [name, rows] of [
      [tableFileName('clients'), CLIENTS],
      [tableFileName('odd`name'), WEIRD],
    ] as const) {
      const text = whole.get(name)!.toString('utf8');
      assert.ok(text.startsWith(`${HEADER.join('\n')}\n`), `${name} starts with the dump header`);
      assert.ok(text.includes(`\n${rows.join('\n')}\n`), `${name} holds its rows verbatim`);
      assert.ok(!text.includes('TIME_ZONE=@OLD_TIME_ZONE'), `${name} stops before the footer`);
    }
    // every piece size from 1 to 17 bytes cuts some multi-byte character in two
    for (let size = 1; size <= 17; size++) {
      const pieces: Buffer[] = [];
      for (let o = 0; o < bytes.length; o += size) pieces.push(Buffer.from(bytes.subarray(o, o + size)));
      const out = await split(join(dir, `s${size}`), pieces);
      assert.deepEqual([...out.keys()].sort(), [...whole.keys()].sort(), `piece size ${size}`);
      for (const [name, want] of whole) assert.deepEqual(out.get(name), want, `${name}, piece size ${size}`);
    }
  });
});
