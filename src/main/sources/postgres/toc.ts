/**
 * Reading a pg_dump archive's table of contents (`pg_restore -l`) and choosing the entries that
 * belong to some tables or schemas, for selective restore with `pg_restore -L`.
 *
 * `pg_restore -t` restores a table's definition and data but not its indexes, constraints,
 * triggers, defaults, comments or owned sequences. So the owning table of every TOC entry is worked
 * out here: from the entry's tag where it names the table ("clients clients_pkey" for constraints,
 * triggers, defaults), and from the archive's own schema SQL (`pg_restore -s -f -`) for indexes,
 * owned sequences and partitions.
 */
import { runProcess } from '../../platform/process.js';
import { toolError } from '../common.js';
import { type PgToolsOptions, pgTool } from './tools.js';

export interface TocEntry {
  /** The line as printed by pg_restore -l (fed back through -L). */
  line: string;
  id: number;
  type: string;
  schema: string;
  tag: string;
  owner: string;
}

export interface Toc {
  entries: TocEntry[];
}

const MULTI_WORD_TYPES = [
  'SEQUENCE OWNED BY',
  'MATERIALIZED VIEW DATA',
  'TEXT SEARCH CONFIGURATION',
  'TEXT SEARCH DICTIONARY',
  'TEXT SEARCH PARSER',
  'TEXT SEARCH TEMPLATE',
  'FOREIGN DATA WRAPPER',
  'USER MAPPING',
  'MATERIALIZED VIEW',
  'FK CONSTRAINT',
  'CHECK CONSTRAINT',
  'TABLE DATA',
  'TABLE ATTACH',
  'INDEX ATTACH',
  'SEQUENCE SET',
  'DEFAULT ACL',
  'EVENT TRIGGER',
  'FOREIGN TABLE',
  'LARGE OBJECT',
  'ROW SECURITY',
  'SHELL TYPE',
  'OPERATOR CLASS',
  'OPERATOR FAMILY',
  'PROCEDURAL LANGUAGE',
  'STATISTICS DATA',
];

export function parseTocLine(line: string): TocEntry | undefined {
  const m = /^(\d+); \d+ \d+ (.*)$/.exec(line);
  if (!m?.[1] || m[2] === undefined) return undefined;
  let rest = m[2];
  const type = MULTI_WORD_TYPES.find((t) => rest.startsWith(`${t} `)) ?? rest.split(' ')[0] ?? '';
  rest = rest.slice(type.length + 1);
  const sp = rest.indexOf(' ');
  const schema = sp < 0 ? rest : rest.slice(0, sp);
  const words = sp < 0 ? [] : rest.slice(sp + 1).split(' ');
  const owner = words.length > 1 ? (words.pop() ?? '') : '';
  return { line, id: Number(m[1]), type, schema, tag: words.join(' '), owner };
}

export async function readToc(dumpDir: string, tools?: PgToolsOptions, signal?: AbortSignal): Promise<Toc> {
  let out: string;
  try {
    out = (await runProcess(pgTool('pg_restore', tools), ['--list', dumpDir], signal ? { signal } : {}))
      .stdout;
  } catch (e) {
    throw toolError(e, `reading the table of contents of ${dumpDir}`);
  }
  const entries: TocEntry[] = [];
  for (const line of out.split('\n')) {
    const e = parseTocLine(line);
    if (e) entries.push(e);
  }
  return { entries };
}

/** Links from archive objects to their tables, read from the archive's schema SQL. */
export interface TableLinks {
  /** "schema.index" -> "schema.table" (indexes and constraint indexes). */
  indexTable: Map<string, string>;
  /** "schema.sequence" -> "schema.table" (OWNED BY or identity). */
  sequenceTable: Map<string, string>;
  /** "schema.partition" -> "schema.parent". */
  partitionParent: Map<string, string>;
  encoding?: string;
}

const unq = (s: string) => s.replace(/"/g, '');

export async function tableLinks(
  dumpDir: string,
  toc: Toc,
  tools?: PgToolsOptions,
  signal?: AbortSignal,
): Promise<TableLinks> {
  let sql: string;
  try {
    sql = (
      await runProcess(
        pgTool('pg_restore', tools),
        ['--schema-only', '--file', '-', dumpDir],
        signal ? { signal } : {},
      )
    ).stdout;
  } catch (e) {
    throw toolError(e, `reading the schema of ${dumpDir}`);
  }
  const links: TableLinks = { indexTable: new Map(), sequenceTable: new Map(), partitionParent: new Map() };
  for (const m of sql.matchAll(/^CREATE (?:UNIQUE )?INDEX (\S+) ON (?:ONLY )?([^\s.]+)\.(\S+) /gm)) {
    const [, idx, s, t] = m;
    if (idx && s && t) links.indexTable.set(`${unq(s)}.${unq(idx)}`, `${unq(s)}.${unq(t)}`);
  }
  for (const m of sql.matchAll(/^ALTER SEQUENCE ([^\s.]+)\.(\S+) OWNED BY ([^\s.]+)\.([^\s.]+)\.\S+;/gm)) {
    const [, s, seq, ts, t] = m;
    if (s && seq && ts && t) links.sequenceTable.set(`${unq(s)}.${unq(seq)}`, `${unq(ts)}.${unq(t)}`);
  }
  for (const m of sql.matchAll(
    /^ALTER TABLE (?:ONLY )?([^\s.]+)\.(\S+) ALTER COLUMN \S+ ADD GENERATED [\s\S]*?SEQUENCE NAME ([^\s.]+)\.([^\s,]+)/gm,
  )) {
    const [, ts, t, s, seq] = m;
    if (s && seq && ts && t) links.sequenceTable.set(`${unq(s)}.${unq(seq)}`, `${unq(ts)}.${unq(t)}`);
  }
  for (const m of sql.matchAll(/^ALTER TABLE ONLY ([^\s.]+)\.(\S+) ATTACH PARTITION ([^\s.]+)\.(\S+) /gm)) {
    const [, ps, p, cs, c] = m;
    if (ps && p && cs && c) links.partitionParent.set(`${unq(cs)}.${unq(c)}`, `${unq(ps)}.${unq(p)}`);
  }
  // Constraint-backed indexes (primary keys, unique constraints) are named by CONSTRAINT entries.
  for (const e of toc.entries) {
    if (e.type === 'CONSTRAINT') {
      const [t, c] = e.tag.split(' ');
      if (t && c) links.indexTable.set(`${e.schema}.${c}`, `${e.schema}.${t}`);
    }
  }
  const enc = /^SET client_encoding = '([^']+)';/m.exec(sql);
  if (enc?.[1]) links.encoding = enc[1];
  return links;
}

/** The table ("schema.table") an entry belongs to, or undefined for non-table objects. */
export function entryTable(e: TocEntry, links: TableLinks): string | undefined {
  const q = (name: string) => `${e.schema}.${name}`;
  const first = e.tag.split(' ')[0] ?? '';
  switch (e.type) {
    case 'TABLE':
    case 'TABLE DATA':
    case 'TABLE ATTACH':
    case 'ROW SECURITY':
      return q(e.tag);
    case 'CONSTRAINT':
    case 'FK CONSTRAINT':
    case 'CHECK CONSTRAINT':
    case 'TRIGGER':
    case 'DEFAULT':
    case 'POLICY':
    case 'RULE':
      return q(first);
    case 'INDEX':
    case 'INDEX ATTACH':
      return links.indexTable.get(q(e.tag));
    case 'SEQUENCE':
    case 'SEQUENCE SET':
    case 'SEQUENCE OWNED BY':
      return links.sequenceTable.get(q(e.tag));
    case 'COMMENT':
    case 'ACL': {
      const m = /^(TABLE|COLUMN|SEQUENCE) (.+)$/.exec(e.tag);
      if (!m?.[2]) return undefined;
      const name = m[1] === 'COLUMN' ? m[2].slice(0, m[2].lastIndexOf('.')) : m[2];
      return m[1] === 'SEQUENCE' ? links.sequenceTable.get(q(name)) : q(name.replace(/"/g, ''));
    }
    default:
      return undefined;
  }
}

/** Adds the partitions (recursively) of every selected partitioned table. */
export function withPartitions(tables: Set<string>, links: TableLinks): Set<string> {
  const out = new Set(tables);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [child, parent] of links.partitionParent) {
      if (out.has(parent) && !out.has(child)) {
        out.add(child);
        grew = true;
      }
    }
  }
  return out;
}

/** Entries belonging to the tables, or lying in the schemas (plus the SCHEMA entries themselves). */
export function selectEntries(
  toc: Toc,
  links: TableLinks,
  tables: Set<string>,
  schemas: Set<string>,
): TocEntry[] {
  return toc.entries.filter((e) => {
    if (e.type === 'SCHEMA') return schemas.has(e.tag);
    if (schemas.has(e.schema)) return true;
    const t = entryTable(e, links);
    if (t === undefined || !tables.has(t)) return false;
    if (e.type === 'TABLE ATTACH' || e.type === 'INDEX ATTACH') {
      const parent = links.partitionParent.get(t);
      return parent === undefined || tables.has(parent);
    }
    return true;
  });
}

/** "clients" -> "public.clients"; "sales.orders" stays. */
export function qualifyTable(name: string): string {
  return name.includes('.') ? name : `public.${name}`;
}
