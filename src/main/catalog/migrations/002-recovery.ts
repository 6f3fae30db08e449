import type { Migration } from './types.js';

/** Snapshot cache, restore-test records, incidents, approvals, contacts and escalation path. */
export const m002Recovery: Migration = {
  version: 2,
  name: 'recovery',
  up(db) {
    db.exec(`
      CREATE TABLE snapshot_cache (
        target_id TEXT NOT NULL REFERENCES storage_targets(id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        time TEXT NOT NULL,
        plan TEXT,
        kind TEXT NOT NULL,
        manifest TEXT NOT NULL,
        PRIMARY KEY (target_id, id)
      );
      CREATE INDEX snapshot_cache_time ON snapshot_cache(target_id, time);
      CREATE TABLE snapshot_cache_meta (
        target_id TEXT PRIMARY KEY REFERENCES storage_targets(id) ON DELETE CASCADE,
        refreshed_at TEXT NOT NULL
      );
      CREATE TABLE restore_tests (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('database','partial','full')),
        target_id TEXT NOT NULL,
        snapshot_id TEXT NOT NULL,
        job_id TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        outcome TEXT NOT NULL,
        checks TEXT NOT NULL,
        notes TEXT NOT NULL,
        issues TEXT NOT NULL,
        recorded_by TEXT NOT NULL
      );
      CREATE INDEX restore_tests_kind ON restore_tests(kind, finished_at);
      CREATE TABLE incidents (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        severity TEXT NOT NULL,
        data_loss TEXT NOT NULL,
        scope TEXT NOT NULL,
        recovery_plan TEXT NOT NULL,
        status TEXT NOT NULL,
        opened_by TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        closed_at TEXT,
        resolution TEXT
      );
      CREATE TABLE incident_notes (
        id INTEGER PRIMARY KEY,
        incident_id TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
        time TEXT NOT NULL,
        author TEXT NOT NULL,
        text TEXT NOT NULL
      );
      CREATE TABLE approvals (
        request_id TEXT PRIMARY KEY,
        incident_id TEXT NOT NULL REFERENCES incidents(id),
        request TEXT NOT NULL,
        params_hash TEXT NOT NULL,
        state TEXT NOT NULL,
        requested_by TEXT NOT NULL,
        requested_at TEXT NOT NULL,
        reason TEXT NOT NULL,
        decided_by TEXT,
        decided_at TEXT,
        comment TEXT,
        expires_at TEXT,
        job_id TEXT
      );
      CREATE TABLE contacts (
        id TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        name TEXT NOT NULL,
        email TEXT NOT NULL,
        phone TEXT NOT NULL,
        notes TEXT NOT NULL,
        sort INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE escalation_steps (
        position INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        contact_id TEXT REFERENCES contacts(id) ON DELETE SET NULL
      );
    `);
  },
};
