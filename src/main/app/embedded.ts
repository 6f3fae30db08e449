/**
 * First-run defaults: the storage target "Local repository" at MVONO_HOME/repository (its
 * encrypted repository is created in first-run setup: keys.initRepository shows the recovery key
 * once), and the seed's default plans (scheduler/policy.ts), stored disabled and unconfigured until
 * the operator says what they back up (plans.create with the same name adopts them).
 */
import { DEFAULT_PLANS } from '../scheduler/policy.js';
import type { AppDeps } from './deps.js';

const FLAG = 'app.firstRunDefaults';
export const LOCAL_TARGET_ID = 'local';

export function ensureFirstRunDefaults(d: AppDeps): void {
  if (d.stores.settings.getRaw(FLAG)) return;
  const now = d.clock.now().toISOString();
  if (d.stores.targets.list().length === 0) {
    d.stores.targets.insert(
      {
        id: LOCAL_TARGET_ID,
        name: 'Local repository',
        role: 'local',
        config: { kind: 'local', path: d.paths.repository },
      },
      now,
    );
  }
  if (d.plans.list().length === 0) {
    for (const p of DEFAULT_PLANS) d.plans.create({ ...structuredClone(p), enabled: false });
  }
  d.stores.settings.setRaw(FLAG, JSON.stringify(now));
}
