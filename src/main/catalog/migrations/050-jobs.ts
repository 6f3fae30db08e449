import type { Migration } from './types.js';

/** Jobs (long work), their log lines, and the scheduler's plan runs (incl. missed and skipped ones). */
export const m050Jobs: Migration = {
  version: 50,
  name: 'jobs-and-plan-runs',
  up(db) {
    db.exec(`
CREATE TABLE jobs (
  id          TEXT PRIMARY KEY,
  kind        TEXT NOT NULL,
  title       TEXT NOT NULL,
  state       TEXT NOT NULL CHECK (state IN ('queued','running','cancelling','cancelled','succeeded','failed')),
  plan_id     TEXT,
  target_id   TEXT,
  lane        TEXT NOT NULL,
  started_by  TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  started_at  TEXT,
  finished_at TEXT,
  progress    TEXT,
  result      TEXT,
  error       TEXT,
  warnings    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX jobs_by_created ON jobs (created_at);
CREATE INDEX jobs_by_state ON jobs (state);
CREATE INDEX jobs_by_plan ON jobs (plan_id, created_at);

CREATE TABLE job_logs (
  job_id  TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  seq     INTEGER NOT NULL,
  time    TEXT NOT NULL,
  level   TEXT NOT NULL CHECK (level IN ('info','warn','error')),
  message TEXT NOT NULL,
  PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;

CREATE TABLE plan_runs (
  id            TEXT PRIMARY KEY,
  plan_id       TEXT NOT NULL,
  plan_name     TEXT NOT NULL,
  scheduled_for TEXT NOT NULL,
  trigger       TEXT NOT NULL CHECK (trigger IN ('schedule','manual','schema-change')),
  late          INTEGER NOT NULL DEFAULT 0,
  outcome       TEXT NOT NULL CHECK (outcome IN ('running','succeeded','failed','cancelled','missed','skipped')),
  attempts      INTEGER NOT NULL DEFAULT 0,
  started_at    TEXT,
  finished_at   TEXT,
  job_id        TEXT,
  error         TEXT,
  note          TEXT
);
CREATE INDEX plan_runs_by_plan ON plan_runs (plan_id, scheduled_for);
`);
  },
};
