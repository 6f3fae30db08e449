/**
 * Schema history in a git repository (isomorphic-git, no git binary needed): one file per database
 * (`postgres/<db>.sql`, `mariadb/<db>.sql`) holding the normalised schema. A commit is made only
 * when the schema differs from the last committed one; its message names the database, the time
 * (ISO UTC and Africa/Nairobi local) and a summary of tables/columns added and dropped.
 */
import * as fs from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { type Clock, systemClock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import type { DbKind } from '../profile.js';
import { diffSchemas, parseTables, summaryDetails, summaryLine } from './diff.js';
import { schemaFingerprint } from './normalise.js';

export interface SchemaHistoryConfig {
  /** Local directory of the git repository (created if missing). */
  repoDir: string;
  /** Optional remote to push to after each commit. */
  remoteUrl?: string;
  /** Credentials for the remote, from the keychain (never logged). */
  remoteAuth?: { username: string; password: string };
  branch?: string;
  author?: { name: string; email: string };
  clock?: Clock;
}

export interface SchemaCommitResult {
  committed: boolean;
  commit?: string;
  file: string;
  summary: string;
  /** Set when the commit was made but the push failed. */
  pushError?: string;
}

export interface SchemaHistoryEntry {
  commit: string;
  time: string;
  file?: string;
  summary: string;
  message: string;
}

export function schemaFile(kind: DbKind, database: string): string {
  return `${kind}/${database.replace(/[^\p{L}\p{N}_.-]/gu, '_')}.sql`;
}

async function ensureRepo(dir: string, branch: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  if (!fs.existsSync(join(dir, '.git'))) await git.init({ fs, dir, defaultBranch: branch });
}

async function lastCommitted(dir: string, filepath: string): Promise<string | undefined> {
  try {
    const oid = await git.resolveRef({ fs, dir, ref: 'HEAD' });
    const { blob } = await git.readBlob({ fs, dir, oid, filepath });
    return Buffer.from(blob).toString('utf8');
  } catch {
    return undefined;
  }
}

export function nairobiTime(d: Date): string {
  return `${new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Africa/Nairobi',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(d)} EAT (Africa/Nairobi)`;
}

/** Commits `schema` (normalised) for the database when it differs from the last committed version. */
export async function commitSchemaIfChanged(
  cfg: SchemaHistoryConfig,
  db: { kind: DbKind; database: string; server: string },
  schema: string,
): Promise<SchemaCommitResult> {
  const branch = cfg.branch ?? 'main';
  const dir = cfg.repoDir;
  const file = schemaFile(db.kind, db.database);
  await ensureRepo(dir, branch);
  const before = await lastCommitted(dir, file);
  if (before === schema) return { committed: false, file, summary: 'no change' };
  const now = (cfg.clock ?? systemClock).now();
  const diff = diffSchemas(before ?? '', schema);
  const summary =
    before === undefined ? `initial schema (${parseTables(schema).size} tables)` : summaryLine(diff);
  const message = [
    `${db.kind}/${db.database}: ${summary}`,
    '',
    `Database: ${db.kind === 'postgres' ? 'PostgreSQL' : 'MariaDB'} "${db.database}" on ${db.server}`,
    `Time: ${now.toISOString()} (${nairobiTime(now)})`,
    `Fingerprint: sha256:${schemaFingerprint(schema)}`,
    ...(before === undefined ? [] : ['', summaryDetails(diff)]),
  ]
    .join('\n')
    .trimEnd();
  await mkdir(dirname(join(dir, file)), { recursive: true });
  await writeFile(join(dir, file), schema);
  await git.add({ fs, dir, filepath: file });
  const author = {
    ...(cfg.author ?? { name: 'Mvono Backup', email: 'backup@mvono.local' }),
    timestamp: Math.floor(now.getTime() / 1000),
    timezoneOffset: -180,
  };
  const commit = await git.commit({
    fs,
    dir,
    message: `${message}\n`,
    author,
    committer: author,
    ref: `refs/heads/${branch}`,
  });
  const result: SchemaCommitResult = { committed: true, commit, file, summary };
  if (cfg.remoteUrl) {
    try {
      await git.push({
        fs,
        http,
        dir,
        url: cfg.remoteUrl,
        ref: branch,
        ...(cfg.remoteAuth ? { onAuth: () => cfg.remoteAuth } : {}),
      });
    } catch (e) {
      result.pushError = `Pushing the schema history failed (${(e as { code?: string }).code ?? 'error'}); it will be retried with the next commit.`;
    }
  }
  return result;
}

/** Commits (newest first), optionally only those touching one database's file. */
export async function listSchemaHistory(
  repoDir: string,
  db?: { kind: DbKind; database: string },
): Promise<SchemaHistoryEntry[]> {
  if (!fs.existsSync(join(repoDir, '.git'))) return [];
  const filepath = db ? schemaFile(db.kind, db.database) : undefined;
  let log: Awaited<ReturnType<typeof git.log>>;
  try {
    log = await git.log({ fs, dir: repoDir, ...(filepath ? { filepath } : {}) });
  } catch (e) {
    if ((e as { code?: string }).code === 'NotFoundError') return [];
    throw new AppError('INTERNAL', `Could not read the schema history in ${repoDir}.`, { cause: e });
  }
  return log.map((c) => {
    const first = c.commit.message.split('\n')[0] ?? '';
    const m = /^([^:]+\/[^:]+): (.*)$/.exec(first);
    return {
      commit: c.oid,
      time: new Date(c.commit.author.timestamp * 1000).toISOString(),
      ...(m?.[1] ? { file: `${m[1]}.sql` } : {}),
      summary: m?.[2] ?? first,
      message: c.commit.message,
    };
  });
}

/** The schema text committed most recently for a database (undefined if none). */
export async function readCommittedSchema(
  repoDir: string,
  kind: DbKind,
  database: string,
): Promise<string | undefined> {
  if (!fs.existsSync(join(repoDir, '.git'))) return undefined;
  return lastCommitted(repoDir, schemaFile(kind, database));
}
