/**
 * Normalises schema-only dumps so that two dumps of the same schema are byte-identical: comments
 * (which carry dump times, tool versions and owners), SET lines, pg_dump's \restrict keys, MariaDB's
 * version-conditional SET comments, AUTO_INCREMENT counters and DEFINER clauses are removed, blank
 * runs collapsed. The statement order of the dump tools is deterministic (by type, then name) and
 * kept, so the normalised text is still readable SQL. `schemaFingerprint` hashes it.
 */
import { sha256 } from '../facts.js';

export function normalisePostgresSchema(dump: string): string {
  const out: string[] = [];
  for (const raw of dump.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    if (line.startsWith('--')) continue;
    if (/^\\(restrict|unrestrict|connect)\b/.test(line)) continue;
    if (/^SET [a-z_]+ = .*;$/.test(line)) continue;
    if (/^SELECT pg_catalog\.set_config\('search_path'/.test(line)) continue;
    out.push(line);
  }
  return collapse(out);
}

export function normaliseMariadbSchema(dump: string): string {
  const out: string[] = [];
  for (const raw of dump.split('\n')) {
    let line = raw.replace(/\s+$/, '');
    if (line.startsWith('--')) continue;
    if (/^\/\*M?!\d+\s*(SET|\\- enable)/.test(line)) continue;
    if (/^\/\*![0-9]+ SET .*\*\/;$/.test(line)) continue;
    if (/^SET [@A-Za-z_]/.test(line)) continue;
    if (/^(DELIMITER|LOCK TABLES|UNLOCK TABLES)\b/.test(line)) continue;
    line = line
      .replace(/ AUTO_INCREMENT=\d+/g, '')
      .replace(/ ?DEFINER=`[^`]*`@`[^`]*`/g, '')
      .replace(/\/\*!50013 +SQL SECURITY DEFINER \*\//g, '');
    out.push(line);
  }
  return collapse(out);
}

function collapse(lines: string[]): string {
  const out: string[] = [];
  for (const l of lines) {
    if (l === '' && (out.length === 0 || out[out.length - 1] === '')) continue;
    out.push(l);
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return `${out.join('\n')}\n`;
}

export function schemaFingerprint(normalised: string): string {
  return sha256(normalised);
}
