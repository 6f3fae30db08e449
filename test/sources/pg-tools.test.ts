/**
 * Which PostgreSQL program runs: Debian's pg_wrapper on PATH is replaced by the newest versioned
 * binary that has the program (what the wrapper itself runs when PGHOST is set); anything else on
 * PATH is run as found. Built on a fake file tree, plus the machine's own installation.
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, realpath, symlink, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { describe, it } from 'node:test';
import { runProcess } from '../../src/main/platform/process.js';
import { pgTool, resolvePgProgram } from '../../src/main/sources/postgres/tools.js';
import { tempDir } from './helpers.js';

async function exe(path: string, body = '#!/bin/sh\nexit 0\n') {
  await writeFile(path, body);
  await chmod(path, 0o755);
}

describe('PostgreSQL client programs', () => {
  it('replaces pg_wrapper by the newest versioned binary that has the program', async () => {
    const root = await tempDir('pgtools-');
    const wrapper = join(root, 'share/postgresql-common/pg_wrapper');
    await mkdir(join(root, 'share/postgresql-common'), { recursive: true });
    await exe(wrapper);
    const bin = join(root, 'bin');
    await mkdir(bin);
    await symlink(wrapper, join(bin, 'pg_dump'));
    await symlink(wrapper, join(bin, 'psql'));
    const binroot = join(root, 'lib/postgresql');
    for (const v of ['9.6', '13', '15', '16']) await mkdir(join(binroot, v, 'bin'), { recursive: true });
    await mkdir(join(binroot, 'not-a-version', 'bin'), { recursive: true });
    await exe(join(binroot, '9.6/bin/pg_dump'));
    await exe(join(binroot, '13/bin/pg_dump'));
    await exe(join(binroot, '15/bin/pg_dump'));
    await exe(join(binroot, 'not-a-version/bin/pg_dump'));
    await exe(join(binroot, '13/bin/psql'));
    // 16 has no pg_dump (only a client package of another program): 15 is the newest with it.
    await exe(join(binroot, '16/bin/pg_restore'));
    assert.equal(resolvePgProgram('pg_dump', bin, binroot), join(binroot, '15/bin/pg_dump'));
    assert.equal(resolvePgProgram('psql', bin, binroot), join(binroot, '13/bin/psql'));
    // Not on the path: the bare name, so running it reports the missing program.
    assert.equal(resolvePgProgram('pg_dumpall', bin, binroot), 'pg_dumpall');
    // The wrapper with no versioned binary at all: the wrapper's own error is better than ours.
    assert.equal(resolvePgProgram('pg_dump', bin, join(root, 'missing')), 'pg_dump');
  });

  it('runs a real binary that comes first on PATH as it is', async () => {
    const root = await tempDir('pgtools-');
    const own = join(root, 'own');
    const wrapped = join(root, 'wrapped');
    await mkdir(own);
    await mkdir(wrapped);
    await exe(join(root, 'pg_wrapper'));
    await symlink(join(root, 'pg_wrapper'), join(wrapped, 'pg_dump'));
    await exe(join(own, 'pg_dump'));
    const binroot = join(root, 'lib');
    await mkdir(join(binroot, '15/bin'), { recursive: true });
    await exe(join(binroot, '15/bin/pg_dump'));
    assert.equal(resolvePgProgram('pg_dump', [own, wrapped].join(delimiter), binroot), 'pg_dump');
    assert.equal(
      resolvePgProgram('pg_dump', [wrapped, own].join(delimiter), binroot),
      join(binroot, '15/bin/pg_dump'),
    );
    // A directory whose pg_dump is not executable is skipped, as the shell skips it.
    const noexec = join(root, 'noexec');
    await mkdir(noexec);
    await writeFile(join(noexec, 'pg_dump'), '');
    assert.equal(
      resolvePgProgram('pg_dump', [noexec, wrapped].join(delimiter), binroot),
      join(binroot, '15/bin/pg_dump'),
    );
  });

  it('the program chosen on this machine is the one pg_wrapper would run', async () => {
    const chosen = pgTool('pg_dump');
    const viaPath = (await runProcess('pg_dump', ['--version'], { env: { PGHOST: '127.0.0.1' } })).stdout;
    const direct = (await runProcess(chosen, ['--version'])).stdout;
    assert.equal(direct, viaPath);
    const onPath = await realpath((await runProcess('sh', ['-c', 'command -v pg_dump'])).stdout.trim()).catch(
      () => '',
    );
    if (onPath.endsWith('/pg_wrapper'))
      assert.match(chosen, /^\/usr\/lib\/postgresql\/[\d.]+\/bin\/pg_dump$/);
    else assert.equal(chosen, 'pg_dump');
    assert.equal(pgTool('pg_dump', { binDir: '/opt/pg/bin' }), '/opt/pg/bin/pg_dump');
  });
});
