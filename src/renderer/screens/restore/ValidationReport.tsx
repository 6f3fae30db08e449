/** The post-restore validation table: each table match / mismatch / missing. */
import type { Job } from '../../../shared/contract/index.js';
import { Badge, Empty, NotAvailable } from '../../components/ui.js';
import { formatCount } from '../../lib/format.js';
import { readValidation } from './validation.js';

const TONE = { match: 'ok', mismatch: 'bad', missing: 'bad' } as const;

export function ValidationReport({ job }: { job: Job }) {
  const v = readValidation(job);
  if (!v)
    return (
      <NotAvailable
        what="The validation report"
        detail="The restore finished, but the host did not return a validation report for it."
      />
    );
  const checked = v.checked ?? v.rows.length;
  const bad =
    v.checked !== undefined
      ? v.checked - (v.matching ?? 0)
      : v.rows.filter((r) => r.status !== 'match').length;
  const ok = v.ok ?? (bad === 0 && v.schemaMatch !== false);
  return (
    <div>
      <p className={ok ? 'banner banner-ok' : 'banner banner-bad'} role="status">
        {ok
          ? `Validation passed: all ${checked} tables match the backup.`
          : `Validation found ${bad} table(s) that do not match the backup.`}
        {v.schemaMatch === true
          ? ' The schema matches.'
          : v.schemaMatch === false
            ? ' The schema differs.'
            : ''}
      </p>
      {v.rows.length === 0 && v.checked !== undefined ? (
        <table className="table compact" aria-label="Validation report">
          <caption className="small muted">
            Row counts and sampled row hashes compared with the backup.
          </caption>
          <thead>
            <tr>
              <th scope="col">Result</th>
              <th scope="col">Tables</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">
                <Badge tone="ok">match</Badge>
              </th>
              <td>{formatCount(v.matching ?? 0)}</td>
            </tr>
            <tr>
              <th scope="row">
                <Badge tone={bad > 0 ? 'bad' : 'muted'}>mismatch or missing</Badge>
              </th>
              <td>{formatCount(bad)}</td>
            </tr>
          </tbody>
        </table>
      ) : v.rows.length === 0 ? (
        <Empty>No tables were compared.</Empty>
      ) : (
        <table className="table compact" aria-label="Validation report">
          <thead>
            <tr>
              <th scope="col">Table</th>
              <th scope="col">Result</th>
              <th scope="col">Rows in backup</th>
              <th scope="col">Rows restored</th>
            </tr>
          </thead>
          <tbody>
            {v.rows.map((r) => (
              <tr key={r.name}>
                <th scope="row" className="mono">
                  {r.name}
                </th>
                <td>
                  <Badge tone={TONE[r.status]}>{r.status}</Badge>
                </td>
                <td>{r.expectedRows == null ? '—' : formatCount(r.expectedRows)}</td>
                <td>{r.actualRows == null ? '—' : formatCount(r.actualRows)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
