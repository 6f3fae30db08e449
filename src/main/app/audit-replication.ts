/**
 * Replicates the audit journal into every initialised repository's audit/ objects after audited
 * calls (so the journal survives the workstation). Runs are coalesced: one at a time, and one more
 * if calls came in meanwhile. Failures are logged, never thrown to the caller.
 */

import { getCall, isCallName } from '../../shared/contract/index.js';
import { exportAuditToStorage, replicatedUpTo } from '../audit/export.js';
import type { AuditLog } from '../audit/log.js';
import type { Host } from '../host/host.js';
import { toAppError } from '../platform/errors.js';
import type { AppDeps } from './deps.js';

export class AuditReplicator {
  private running: Promise<void> | undefined;
  private dirty = false;

  constructor(
    private readonly d: AppDeps,
    private readonly audit: AuditLog,
  ) {}

  schedule(): void {
    if (this.running) {
      this.dirty = true;
      return;
    }
    this.running = this.runAll().finally(() => {
      this.running = undefined;
      if (this.dirty) {
        this.dirty = false;
        this.schedule();
      }
    });
  }

  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async runAll(): Promise<void> {
    for (const t of this.d.stores.targets.list()) {
      try {
        const { storage } = await this.d.repos.storage(t.id);
        try {
          if (!(await this.d.repos.initialized(storage))) continue;
          await exportAuditToStorage(storage, (await replicatedUpTo(storage)) + 1, this.audit);
        } finally {
          await storage.close?.().catch(() => {});
        }
      } catch (e) {
        this.d.log.warn(`Audit replication to "${t.name}" failed: ${toAppError(e).message}`);
      }
    }
  }
}

/** The host, with audited calls followed by a replication run. */
export function withAuditReplication(host: Host, r: AuditReplicator): Host {
  return {
    ...host,
    call: async (session, method, input) => {
      const res = await host.call(session, method, input);
      if (isCallName(method) && getCall(method).audit) r.schedule();
      return res;
    },
    sessionValid: (t) => host.sessionValid(t),
  };
}
