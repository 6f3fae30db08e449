/**
 * `agent`: the scheduler without a console, for servers (systemd unit in resources/). Plans run on
 * their schedule into their repositories; each job's state and log lines are written to stdout.
 */
import { createLogger, type LogRecord } from '../../platform/logger.js';
import { formatZoned } from '../../scheduler/time-format.js';
import type { Command } from '../command.js';
import { HOME_OPTION, homeOf, untilAborted } from './app-paths.js';

export const agentCmd: Command = {
  name: 'agent',
  summary: 'run the backup plans on their schedule without a console (headless servers)',
  usage: 'agent [--home DIR]',
  options: { ...HOME_OPTION },
  async run(ctx, _args, v) {
    const { createApp } = await import('../../app/compose.js');
    const line = (s: string) => process.stdout.write(`${s}\n`);
    const sink = (r: LogRecord) =>
      line(`${r.time} ${r.level.toUpperCase()} ${r.scope ?? 'agent'}: ${r.message}`);
    const app = createApp({ home: homeOf(ctx, v), env: ctx.env, log: createLogger({ sink }) });
    const zone = app.deps.stores.settings.get().timeZone;
    const titles = new Map<string, string>();
    const now = () => formatZoned(app.deps.clock.now(), zone, { seconds: true });
    const offState = app.host.bus.on('job.state', (e) => {
      const title = titles.get(e.jobId) ?? app.jobs.get(e.jobId)?.title ?? e.jobId;
      titles.set(e.jobId, title);
      const extra = e.error
        ? ` — ${e.error.code}: ${e.error.message}`
        : e.result?.summary
          ? ` — ${String(e.result.summary)}`
          : '';
      line(`${now()} job ${e.state}: ${title}${extra}`);
    });
    const offLog = app.host.bus.on('job.log', (e) =>
      line(`${now()} ${e.level.toUpperCase()} [${titles.get(e.jobId) ?? e.jobId}] ${e.message}`),
    );
    try {
      const plans = app.scheduler.status().filter((s) => s.enabled);
      line(
        `${now()} Mvono Backup agent started (data directory ${app.paths.home}); ${plans.length} plan(s) enabled.`,
      );
      for (const s of plans)
        line(`  ${s.planName}: next run ${s.nextRun ? formatZoned(s.nextRun, zone) : 'none'}`);
      await untilAborted(ctx.signal);
      line(`${now()} Stopping: running jobs are cancelled (nothing half-written becomes visible).`);
    } finally {
      offState();
      offLog();
      await app.close();
    }
    return 0;
  },
};
