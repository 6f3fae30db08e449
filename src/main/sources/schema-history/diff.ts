/**
 * A human summary of the difference between two normalised schemas: tables added/dropped and
 * columns added/dropped, parsed from CREATE TABLE statements (pg_dump or MariaDB SHOW CREATE TABLE
 * style), plus a count of other changed statements (views, functions, indexes, triggers...).
 */

export interface SchemaChangeSummary {
  tablesAdded: string[];
  tablesDropped: string[];
  columnsAdded: string[];
  columnsDropped: string[];
  otherChanges: number;
}

const NOT_COLUMN = /^(CONSTRAINT|PRIMARY|UNIQUE|KEY|INDEX|FOREIGN|CHECK|FULLTEXT|SPATIAL|PERIOD|EXCLUDE)\b/i;

function unquote(s: string): string {
  return s.replace(/^public\./, '').replace(/["`]/g, '');
}

/** table -> column names, from CREATE TABLE statements. */
export function parseTables(schema: string): Map<string, string[]> {
  const tables = new Map<string, string[]>();
  const lines = schema.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^CREATE (?:UNLOGGED |TEMPORARY )?TABLE (?:IF NOT EXISTS )?([^\s(]+) \($/.exec(lines[i] ?? '');
    if (!m?.[1]) continue;
    const cols: string[] = [];
    for (i++; i < lines.length; i++) {
      const l = (lines[i] ?? '').trim();
      if (l.startsWith(')')) break;
      if (NOT_COLUMN.test(l)) continue;
      const c = /^("(?:[^"]|"")+"|`(?:[^`]|``)+`|[^\s,]+)/.exec(l);
      if (c?.[1]) cols.push(unquote(c[1]));
    }
    tables.set(unquote(m[1]), cols);
  }
  return tables;
}

/** Statements split on blank lines (both normalisers separate statements by one blank line). */
function blocks(schema: string): Set<string> {
  return new Set(
    schema
      .split(/\n\n+/)
      .map((b) => b.trim())
      .filter(Boolean),
  );
}

export function diffSchemas(before: string, after: string): SchemaChangeSummary {
  const a = parseTables(before);
  const b = parseTables(after);
  const s: SchemaChangeSummary = {
    tablesAdded: [],
    tablesDropped: [],
    columnsAdded: [],
    columnsDropped: [],
    otherChanges: 0,
  };
  for (const [t, cols] of b) {
    const old = a.get(t);
    if (!old) s.tablesAdded.push(t);
    else {
      for (const c of cols) if (!old.includes(c)) s.columnsAdded.push(`${t}.${c}`);
      for (const c of old) if (!cols.includes(c)) s.columnsDropped.push(`${t}.${c}`);
    }
  }
  for (const t of a.keys()) if (!b.has(t)) s.tablesDropped.push(t);
  const ba = blocks(before);
  const bb = blocks(after);
  const isTable = (x: string) => /^CREATE (?:UNLOGGED |TEMPORARY )?TABLE /.test(x);
  let other = 0;
  for (const x of bb) if (!ba.has(x) && !isTable(x)) other++;
  for (const x of ba) if (!bb.has(x) && !isTable(x)) other++;
  s.otherChanges = other;
  return s;
}

export function summaryLine(s: SchemaChangeSummary): string {
  const parts: string[] = [];
  const n = (k: number, word: string) => `${k} ${word}${k === 1 ? '' : 's'}`;
  if (s.tablesAdded.length) parts.push(`${n(s.tablesAdded.length, 'table')} added`);
  if (s.tablesDropped.length) parts.push(`${n(s.tablesDropped.length, 'table')} dropped`);
  if (s.columnsAdded.length) parts.push(`${n(s.columnsAdded.length, 'column')} added`);
  if (s.columnsDropped.length) parts.push(`${n(s.columnsDropped.length, 'column')} dropped`);
  if (s.otherChanges) parts.push(`${n(s.otherChanges, 'other statement')} changed`);
  return parts.length ? parts.join(', ') : 'no structural change';
}

export function summaryDetails(s: SchemaChangeSummary): string {
  const out: string[] = [];
  if (s.tablesAdded.length) out.push(`Tables added: ${s.tablesAdded.join(', ')}`);
  if (s.tablesDropped.length) out.push(`Tables dropped: ${s.tablesDropped.join(', ')}`);
  if (s.columnsAdded.length) out.push(`Columns added: ${s.columnsAdded.join(', ')}`);
  if (s.columnsDropped.length) out.push(`Columns dropped: ${s.columnsDropped.join(', ')}`);
  if (s.otherChanges)
    out.push(`Other statements changed: ${s.otherChanges} (views, functions, indexes, triggers, ...)`);
  return out.join('\n');
}
