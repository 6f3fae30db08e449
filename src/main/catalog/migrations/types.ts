import type { Database } from 'better-sqlite3';

/** One schema step. `up` runs inside a transaction; never edit a released migration, add one. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}
