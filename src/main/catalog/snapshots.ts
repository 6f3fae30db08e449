/**
 * Snapshot cache: what the console last read from each repository, so lists are instant. It is a
 * cache: the repository is the truth, and refresh() replaces a target's rows wholesale.
 */
import type { Snapshot } from '../../shared/contract/snapshots.js';
import type { CatalogDb } from './db.js';

export class SnapshotCacheStore {
  constructor(private readonly db: CatalogDb) {}
  /** Replaces the cached list of one target. */
  replace(targetId: string, snapshots: Snapshot[], now: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM snapshot_cache WHERE target_id = ?').run(targetId);
      const ins = this.db.prepare(
        'INSERT INTO snapshot_cache (target_id, id, time, plan, kind, manifest) VALUES (?, ?, ?, ?, ?, ?)',
      );
      for (const s of snapshots) ins.run(targetId, s.id, s.time, s.plan ?? null, s.kind, JSON.stringify(s));
      this.db
        .prepare(
          `INSERT INTO snapshot_cache_meta (target_id, refreshed_at) VALUES (?, ?)
           ON CONFLICT(target_id) DO UPDATE SET refreshed_at = excluded.refreshed_at`,
        )
        .run(targetId, now);
    })();
  }
  upsert(targetId: string, s: Snapshot): void {
    this.db
      .prepare(
        `INSERT INTO snapshot_cache (target_id, id, time, plan, kind, manifest) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(target_id, id) DO UPDATE SET manifest = excluded.manifest`,
      )
      .run(targetId, s.id, s.time, s.plan ?? null, s.kind, JSON.stringify(s));
  }
  remove(targetId: string, ids: string[]): void {
    const del = this.db.prepare('DELETE FROM snapshot_cache WHERE target_id = ? AND id = ?');
    this.db.transaction(() => {
      for (const id of ids) del.run(targetId, id);
    })();
  }
  list(targetId: string, q: { plan?: string; kind?: string; limit: number }): Snapshot[] {
    const rows = this.db
      .prepare(
        `SELECT manifest FROM snapshot_cache WHERE target_id = ? AND (? IS NULL OR plan = ?) AND (? IS NULL OR kind = ?)
         ORDER BY time DESC LIMIT ?`,
      )
      .all(targetId, q.plan ?? null, q.plan ?? null, q.kind ?? null, q.kind ?? null, q.limit) as {
      manifest: string;
    }[];
    return rows.map((r) => JSON.parse(r.manifest) as Snapshot);
  }
  refreshedAt(targetId: string): string | undefined {
    return (
      this.db.prepare('SELECT refreshed_at FROM snapshot_cache_meta WHERE target_id = ?').get(targetId) as
        | { refreshed_at: string }
        | undefined
    )?.refreshed_at;
  }
}
