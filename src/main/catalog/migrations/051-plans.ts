import type { Migration } from './types.js';

/** Scheduler plans (the policy model of src/main/scheduler/policy.ts, stored as JSON). */
export const m051Plans: Migration = {
  version: 51,
  name: 'plans',
  up(db) {
    db.exec(`
CREATE TABLE plans (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  body       TEXT NOT NULL,
  enabled    INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  enabled_at TEXT
);
`);
  },
};
