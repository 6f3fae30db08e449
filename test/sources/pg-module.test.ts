/**
 * node-postgres is loaded without its Cloudflare probe loading Node's fetch (undici), and the
 * `navigator` it is shown while loading is gone afterwards; where the runtime has a `navigator` of
 * its own, it is left as it was. Each case runs in a fresh Node process (modules load once).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';

const MODULE = new URL('../../src/main/sources/postgres/pg-module.js', import.meta.url).href;

function inFreshNode(before: string): { undici: boolean; navigator: string; client: string } {
  const script = `${before}
    const { default: pg } = await import(${JSON.stringify(MODULE)});
    const undici = process.moduleLoadList.some((m) => m.includes('undici'));
    const navigator = typeof globalThis.navigator === 'object' ? String(globalThis.navigator.userAgent) : 'none';
    console.log(JSON.stringify({ undici, navigator, client: typeof pg.Client }));`;
  return JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }),
  );
}

describe('loading node-postgres', () => {
  it('does not load undici, and leaves no navigator behind where the runtime has none', () => {
    const hasOwn = Number(process.versions.node.split('.')[0]) >= 21;
    const r = inFreshNode('');
    assert.equal(r.client, 'function');
    assert.equal(r.undici, false, 'pg loaded Node fetch (undici) through its Cloudflare probe');
    if (!hasOwn) assert.equal(r.navigator, 'none');
  });

  it("leaves the runtime's own navigator as it is", () => {
    const r = inFreshNode("globalThis.navigator = { userAgent: 'Electron-like/1' };");
    assert.equal(r.client, 'function');
    assert.equal(r.navigator, 'Electron-like/1');
    assert.equal(r.undici, false);
  });
});
