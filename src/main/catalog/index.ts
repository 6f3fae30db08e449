/**
 * The local catalog (SQLite): open/migrate (db.ts), the migration registry (migrations/), and one
 * small store per table group. Imported by host/ and auth/ and audit/; never by engine/ or repo/.
 * Scheduler stores (plans.ts, jobs.ts) belong to the scheduler helper.
 */
export { type CatalogDb, openCatalog, schemaVersion } from './db.js';
export { MIGRATIONS } from './migrations/index.js';
