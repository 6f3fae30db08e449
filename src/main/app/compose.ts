/**
 * The composition root: one function builds the whole console for a MVONO_HOME — catalog, auth,
 * audit (replicated into the repositories), job manager, scheduler with real backups, every host
 * port — for `serve`, the Electron shell, the headless `agent` and tests.
 */
import { AuditLog } from '../audit/log.js';
import { ContactStore } from '../catalog/contacts.js';
import { openCatalog } from '../catalog/db.js';
import { JobStore, PlanRunStore } from '../catalog/jobs.js';
import { PlanStore } from '../catalog/plans.js';
import { makeStores } from '../host/context.js';
import { EventBus } from '../host/events.js';
import { createHost, type Host } from '../host/host.js';
import { JobManager } from '../host/jobs/manager.js';
import { jobService } from '../host/jobs/service.js';
import type { Ports } from '../host/ports.js';
import { DesktopChannel } from '../notify/desktop.js';
import { EmailChannel, parseSmtpUrl } from '../notify/email.js';
import { Notifier } from '../notify/notifier.js';
import type { DesktopNotificationHook, NotificationChannel } from '../notify/types.js';
import { WebhookChannel } from '../notify/webhook.js';
import { type Clock, systemClock } from '../platform/clock.js';
import { type Keychain, OsKeychain } from '../platform/keychain.js';
import { type Logger, nullLogger } from '../platform/logger.js';
import { Scheduler } from '../scheduler/scheduler.js';
import { AuditReplicator, withAuditReplication } from './audit-replication.js';
import { backupService } from './backups.js';
import type { AppDeps } from './deps.js';
import { ensureFirstRunDefaults } from './embedded.js';
import { keyService } from './keys.js';
import { PlanLauncher } from './launcher.js';
import { type AppPaths, appPaths, defaultHome, ensureAppDirs } from './paths.js';
import { isConfigured, type StoredAppPlan } from './plan-model.js';
import { planService } from './plans.js';
import { postureService } from './posture.js';
import { Repos } from './repos.js';
import { restoreService } from './restore.js';
import { makeRunPlan } from './run-plan.js';
import { snapshotService } from './snapshots.js';
import { sourceService } from './sources.js';
import { storageOpener } from './storage-opener.js';
import { kmsEnv } from './unlock.js';

export interface AppOptions {
  home?: string;
  clock?: Clock;
  keychain?: Keychain;
  env?: NodeJS.ProcessEnv;
  log?: Logger;
  /** Start the scheduler loop (default true). */
  startScheduler?: boolean;
  /** Desktop notifications (the Electron shell's). */
  desktop?: DesktopNotificationHook;
}

export interface App {
  host: Host;
  scheduler: Scheduler;
  jobs: JobManager;
  paths: AppPaths;
  deps: AppDeps;
  close(): Promise<void>;
}

export function createApp(opts: AppOptions = {}): App {
  const env = opts.env ?? process.env;
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? nullLogger;
  const keychain = opts.keychain ?? new OsKeychain();
  const paths = appPaths(opts.home ?? defaultHome(env));
  ensureAppDirs(paths);

  const db = openCatalog(paths.catalog, { clock });
  const bus = new EventBus();
  const stores = makeStores(db);
  const plans = new PlanStore(db, () => clock.now());
  const history = new PlanRunStore(db);
  history.markInterrupted(clock.now());
  const jobs = new JobManager({
    store: new JobStore(db),
    clock,
    emit: (n, p) => bus.emit(n, p),
    logger: log,
  });
  const kms = kmsEnv(env);
  const opener = storageOpener(clock, log);
  const repos = new Repos({ targets: stores.targets, keychain, opener, clock, kms });
  const d: AppDeps = { db, clock, keychain, paths, log, bus, stores, plans, jobs, repos, kms };
  ensureFirstRunDefaults(d);

  const channels: NotificationChannel[] = [];
  const hooks = (env.MVONO_NOTIFY_WEBHOOKS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (hooks.length > 0) channels.push(new WebhookChannel(hooks));
  if (opts.desktop) channels.push(new DesktopChannel(opts.desktop));
  // E-mail alerts to the contacts list (System Administrator, DBA… from the procedures):
  // MVONO_SMTP_URL=smtp[s]://user@host:port?from=backups@example.com; password in the keychain
  // entry "notify/smtp". Recipients are read at send time, so edits to contacts apply at once.
  const smtp = env.MVONO_SMTP_URL ? parseSmtpUrl(env.MVONO_SMTP_URL) : undefined;
  const contacts = new ContactStore(db);
  const notifier = new Notifier(() => {
    if (!smtp) return channels;
    const to = contacts
      .list()
      .map((c) => c.email)
      .filter((e): e is string => typeof e === 'string' && e.includes('@'));
    return [...channels, new EmailChannel({ ...smtp, to }, () => keychain.get('notify/smtp'))];
  }, log);

  const launcher = new PlanLauncher(
    jobs,
    (id) => (plans.get(id) as StoredAppPlan | undefined)?.spec?.targetId,
  );
  const scheduler = new Scheduler({
    clock,
    plans: () => (plans.list() as StoredAppPlan[]).filter(isConfigured),
    history,
    jobs: launcher,
    runPlan: makeRunPlan(d),
    logger: log,
    emit: (e) => {
      notifier.onSchedulerEvent(e);
      bus.emit('dashboard.invalidate', { topics: ['plans', 'jobs'] });
    },
  });

  const keys = keyService(d);
  const ports: Ports = {
    plans: planService(d, { history, launcher, scheduler: () => scheduler }),
    jobs: jobService(jobs),
    backups: backupService(d),
    snapshots: snapshotService(d),
    restore: restoreService(d),
    keys,
    posture: postureService(d, keys),
    storage: opener,
    sources: sourceService(),
  };
  const inner = createHost({ db, keychain, clock, ports, bus, log });
  const replicator = new AuditReplicator(d, new AuditLog(db, clock));
  const host = withAuditReplication(inner, replicator);
  if (opts.startScheduler !== false) scheduler.start();

  let closed = false;
  return {
    host,
    scheduler,
    jobs,
    paths,
    deps: d,
    async close() {
      if (closed) return;
      closed = true;
      await scheduler.stop();
      for (const j of jobs.list({ limit: 1000 }))
        if (j.state === 'queued' || j.state === 'running') jobs.cancel(j.id);
      await jobs.idle();
      await replicator.idle();
      await notifier.flush();
      db.close();
    },
  };
}
