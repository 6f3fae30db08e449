/**
 * DbFacts: what a database held at the moment of its dump, taken in the same snapshot as the dump
 * (PostgreSQL) or a consistent snapshot started just before it (MariaDB, best effort). Stored in
 * the snapshot manifest and as `facts.json` beside the dump; `validate*()` compares a restored
 * database against them.
 */
import { createHash } from 'node:crypto';
import type { DbKind } from './profile.js';

export interface TableFacts {
  /** "schema.table" for PostgreSQL, "table" for MariaDB. */
  name: string;
  rows: number;
  /** Primary key column names, when the table has one. */
  primaryKey?: string[];
  /** Up to SAMPLE_SIZE rows chosen deterministically: pk text -> sha256 of the row's text. */
  samples?: Record<string, string>;
  /** Tables without a primary key and fewer than WHOLE_HASH_MAX_ROWS rows: sha256 of sorted row texts. */
  wholeHash?: string;
}

export interface DbFacts {
  kind: DbKind;
  database: string;
  serverVersion: string;
  /** ISO UTC time the snapshot was taken. */
  takenAt: string;
  sizeBytes: number;
  /** sha256 of the normalised schema-only dump. */
  schemaFingerprint: string;
  tables: TableFacts[];
  /** PostgreSQL sequences ("schema.name" -> last value, null when never called). */
  sequences?: Record<string, number | null>;
  /** MariaDB default character set / collation of the database. */
  charset?: string;
  collation?: string;
  /** Version of the dump tool used. */
  dumpTool?: string;
  warnings: string[];
}

export const SAMPLE_SIZE = 50;
export const WHOLE_HASH_MAX_ROWS = 10_000;

export interface TableCheck {
  name: string;
  status: 'match' | 'mismatch' | 'missing';
  expectedRows: number;
  actualRows: number | null;
  sampleMismatches: number;
  /** Keys (primary key text) of the sampled rows that differ or are absent, up to MAX_REPORTED_KEYS. */
  mismatchedKeys?: string[];
}

export const MAX_REPORTED_KEYS = 10;

export interface ValidationReport {
  tables: TableCheck[];
  /** null when not checked (selective validation of some tables). */
  schemaMatch: boolean | null;
  ok: boolean;
}

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Compares expected table facts with ones computed the same way on a target. */
export function compareTable(expected: TableFacts, actual: TableFacts | undefined): TableCheck {
  if (!actual) {
    return {
      name: expected.name,
      status: 'missing',
      expectedRows: expected.rows,
      actualRows: null,
      sampleMismatches: 0,
    };
  }
  const bad = Object.entries(expected.samples ?? {})
    .filter(([k, h]) => actual.samples?.[k] !== h)
    .map(([k]) => k);
  const mismatches = bad.length;
  const wholeOk = expected.wholeHash === undefined || expected.wholeHash === actual.wholeHash;
  const ok = expected.rows === actual.rows && mismatches === 0 && wholeOk;
  return {
    name: expected.name,
    status: ok ? 'match' : 'mismatch',
    expectedRows: expected.rows,
    actualRows: actual.rows,
    sampleMismatches: mismatches + (wholeOk ? 0 : 1),
    ...(bad.length ? { mismatchedKeys: bad.slice(0, MAX_REPORTED_KEYS) } : {}),
  };
}

/** One line per table that does not match, naming the differing sampled row keys (for logs and errors). */
export function describeMismatches(report: ValidationReport): string[] {
  return report.tables
    .filter((t) => t.status !== 'match')
    .map((t) => {
      if (t.status === 'missing') return `${t.name}: missing`;
      const parts = [];
      if (t.actualRows !== t.expectedRows)
        parts.push(`${t.actualRows ?? 0} rows, expected ${t.expectedRows}`);
      if (t.mismatchedKeys?.length)
        parts.push(
          `${t.sampleMismatches} sampled row(s) differ, key(s) ${t.mismatchedKeys.join(' ')}${t.sampleMismatches > t.mismatchedKeys.length ? ' ...' : ''}`,
        );
      else if (t.sampleMismatches) parts.push('the whole-table hash differs');
      return `${t.name}: ${parts.join('; ')}`;
    });
}

export function buildReport(checks: TableCheck[], schemaMatch: boolean | null): ValidationReport {
  return {
    tables: checks,
    schemaMatch,
    ok: schemaMatch !== false && checks.every((c) => c.status === 'match'),
  };
}
