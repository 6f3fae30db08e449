/**
 * sources/: database sources for backups — connection profiles, PostgreSQL and MariaDB dump /
 * restore / validate, and the schema history (git). Used by host/ (which wires them into the
 * engine's backup()/restore()); may import platform/ and engine/progress only. See README.md.
 */
export type { DbFacts, TableCheck, TableFacts, ValidationReport } from './facts.js';
export { describeMismatches } from './facts.js';
export type { MariaDumpOptions } from './mariadb/dump.js';
export { dumpMariadb, preflightMariadb } from './mariadb/dump.js';
export { type MariaRestoreOptions, type MariaRestoreResult, restoreMariadb } from './mariadb/restore.js';
export { type MariaValidateOptions, validateMariadb } from './mariadb/validate.js';
export { dumpPostgres, type PgDumpOptions } from './postgres/dump.js';
export { type PgPreflightResult, preflightPostgres } from './postgres/preflight.js';
export { type PgRestoreOptions, type PgRestoreResult, restorePostgres } from './postgres/restore.js';
export { pgSchemaText } from './postgres/schema.js';
export { type PgValidateOptions, type PgValidationReport, validatePostgres } from './postgres/validate.js';
export {
  type DbAuth,
  type DbKind,
  type DbProfile,
  describeProfile,
  type EnvironmentTag,
  formatProfileUri,
  parseProfileUri,
  redactUri,
  type TlsMode,
} from './profile.js';
export { diffSchemas, type SchemaChangeSummary, summaryLine } from './schema-history/diff.js';
export {
  commitSchemaIfChanged,
  listSchemaHistory,
  type SchemaCommitResult,
  type SchemaHistoryConfig,
  type SchemaHistoryEntry,
} from './schema-history/git.js';
export {
  normaliseMariadbSchema,
  normalisePostgresSchema,
  schemaFingerprint,
} from './schema-history/normalise.js';
export {
  installSchemaTrigger,
  type SchemaChangeEvent,
  uninstallSchemaTrigger,
  watchSchemaChanges,
} from './schema-history/pg-watch.js';
export { readSchemaText, recordSchema } from './schema-history/record.js';
export type { DumpSink, DumpSource } from './sink.js';
