// Starts the storage services the integration tests need and returns their settings:
//   const { env, stop } = await startServices();
// - Ceph radosgw (S3) on 127.0.0.1:7480 via radosgw.sh (reused if already answering; then left up)
// - the Cloud Storage emulator (firebase-tools, in a child process) on 9199 or a free port
// env: MVONO_TEST_S3_ENDPOINT, MVONO_TEST_S3_ACCESS_KEY, MVONO_TEST_S3_SECRET_KEY,
//      MVONO_TEST_S3_REGION, STORAGE_EMULATOR_HOST, MVONO_TEST_GCS_PROJECT
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const here = fileURLToPath(new URL('.', import.meta.url));
const run = promisify(execFile);
const RGW_PORT = Number(process.env.MVONO_RGW_PORT || 7480);

function answering(port) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', timeout: 2000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

function parseEnv(text) {
  const env = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) env[m[1]] = m[2];
  }
  return env;
}

async function startRadosgw() {
  const t0 = performance.now();
  const installed = ['/usr/bin/radosgw', '/usr/bin/ceph-mon', '/usr/bin/ceph-osd'].every((p) =>
    existsSync(p),
  );
  const already = await answering(RGW_PORT);
  if (!installed && !already) {
    const msg =
      'radosgw is not installed, so the S3 tests cannot run. Install it with ' +
      '`apt-get install -y --no-install-recommends radosgw ceph-mon ceph-osd`.';
    if (process.env.CI) throw new Error(`services: ${msg}`);
    console.error(`services: WARNING ${msg}`);
    return { env: {}, stop: async () => {} };
  }
  const { stdout } = await run(`${here}radosgw.sh`, ['start'], { timeout: 120_000 });
  console.error(
    `services: radosgw ${already ? 'reused' : 'started'} in ${Math.round(performance.now() - t0)} ms`,
  );
  return {
    env: parseEnv(stdout),
    stop: async () => {
      if (!already) await run(`${here}radosgw.sh`, ['stop'], { timeout: 60_000 }).catch(() => {});
    },
  };
}

function startGcsEmulator() {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${here}gcs-emulator.mjs`], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('services: the GCS emulator did not start within 60 s'));
    }, 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`services: the GCS emulator exited early (code ${code})`));
    });
    child.stdout.on('data', (b) => {
      out += b;
      const m = /GCS_EMULATOR_PORT=(\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      console.error(`services: GCS emulator on ${m[1]} in ${Math.round(performance.now() - t0)} ms`);
      resolve({
        env: { STORAGE_EMULATOR_HOST: `http://127.0.0.1:${m[1]}`, MVONO_TEST_GCS_PROJECT: 'demo-test' },
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 5000).unref();
          }),
      });
    });
  });
}

export async function startServices() {
  const results = await Promise.allSettled([startRadosgw(), startGcsEmulator()]);
  const ok = results.filter((r) => r.status === 'fulfilled').map((r) => r.value);
  const stop = async () => {
    await Promise.all(ok.map((s) => s.stop()));
  };
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  return { env: Object.assign({}, ...ok.map((s) => s.env)), stop };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // Manual use: prints the env, keeps the services up until Ctrl-C.
  const { env, stop } = await startServices();
  for (const [k, v] of Object.entries(env)) console.log(`${k}=${v}`);
  process.on('SIGINT', () => stop().then(() => process.exit(0)));
  process.on('SIGTERM', () => stop().then(() => process.exit(0)));
}
