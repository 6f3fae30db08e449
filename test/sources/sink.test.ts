/**
 * DeferredSink (a dump started before its storage is ready): files given before `attach()` reach
 * the real sink afterwards with their bytes intact, and their data is not read before then (a
 * followed file stays unopened on disk); a stop before attaching fails waiting and later files
 * with CANCELLED instead of leaving them waiting; attaching twice is refused.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { isAppError } from '../../src/main/platform/errors.js';
import { DeferredSink, type DumpSink, isGrowingFile } from '../../src/main/sources/sink.js';

/** A sink that collects every file's bytes. */
function collector(): DumpSink & { files: Map<string, string> } {
  const files = new Map<string, string>();
  return {
    files,
    async file(path, data) {
      const parts: Uint8Array[] = [];
      if (data instanceof Uint8Array) parts.push(data);
      else if (isGrowingFile(data)) {
        await data.complete;
        parts.push(await readFile(data.path));
      } else for await (const b of data) parts.push(b);
      files.set(path, Buffer.concat(parts).toString());
    },
  };
}

describe('DeferredSink', () => {
  it('holds files until attached, without reading them, then stores them whole', async () => {
    const sink = new DeferredSink();
    let pulled = false;
    async function* table() {
      pulled = true;
      yield Buffer.from('1\talpha\n');
      yield Buffer.from('2\tbeta\n');
    }
    const a = sink.file('dump/3001.dat', table());
    const b = sink.file('globals.sql', Buffer.from('CREATE ROLE app;\n'));
    let settled = false;
    void Promise.allSettled([a, b]).then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(pulled, false, 'data is not read before a sink is attached');
    assert.equal(settled, false, 'files wait for the sink');

    const real = collector();
    sink.attach(real);
    await Promise.all([a, b]);
    await sink.file('facts.json', Buffer.from('{}'));
    assert.deepEqual(Object.fromEntries(real.files), {
      'dump/3001.dat': '1\talpha\n2\tbeta\n',
      'globals.sql': 'CREATE ROLE app;\n',
      'facts.json': '{}',
    });
  });

  it('a stop before attaching fails waiting and later files with CANCELLED', async () => {
    const ac = new AbortController();
    const sink = new DeferredSink(ac.signal);
    const waiting = sink.file('dump/3001.dat', Buffer.from('x'));
    ac.abort();
    await assert.rejects(waiting, (e) => isAppError(e, 'CANCELLED'));
    await assert.rejects(sink.file('toc.dat', Buffer.from('y')), (e) => isAppError(e, 'CANCELLED'));

    const stopped = new AbortController();
    stopped.abort();
    await assert.rejects(new DeferredSink(stopped.signal).file('a', Buffer.from('z')), (e) =>
      isAppError(e, 'CANCELLED'),
    );
  });

  it('a stop after attaching changes nothing; a second attach is refused', async () => {
    const ac = new AbortController();
    const sink = new DeferredSink(ac.signal);
    const real = collector();
    sink.attach(real);
    ac.abort();
    await sink.file('facts.json', Buffer.from('{}'));
    assert.equal(real.files.get('facts.json'), '{}');
    assert.throws(() => sink.attach(collector()), /attach\(\) was called twice/);
  });
});
