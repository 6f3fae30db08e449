/** Pre-flight summary: what the restore would write where (nothing changes yet). */
import type { RestorePreview } from '../../../shared/contract/index.js';
import { Badge, Empty } from '../../components/ui.js';
import { formatBytes, formatCount, formatTime } from '../../lib/format.js';
import { useSession } from '../../lib/session.js';

export function Preflight({ preview }: { preview: RestorePreview }) {
  const { timeZone } = useSession();
  const s = preview.snapshot;
  return (
    <div>
      <p>
        From the backup of <strong>{formatTime(s.time, timeZone)}</strong> ({s.name ?? s.plan ?? s.kind},{' '}
        <code>{s.id.slice(0, 12)}</code>):
      </p>
      {preview.items.length === 0 ? (
        <Empty>Nothing would be restored with these choices.</Empty>
      ) : (
        <table className="table compact" aria-label="Pre-flight summary">
          <thead>
            <tr>
              <th scope="col">Component</th>
              <th scope="col">Type</th>
              <th scope="col">Size</th>
              <th scope="col">Files</th>
              <th scope="col">Written to</th>
              <th scope="col">Environment</th>
            </tr>
          </thead>
          <tbody>
            {preview.items.map((i) => (
              <tr key={`${i.component}-${i.destination}`}>
                <th scope="row">{i.component}</th>
                <td>{i.type}</td>
                <td>{formatBytes(i.bytes)}</td>
                <td>{formatCount(i.files)}</td>
                <td className="mono">{i.destination}</td>
                <td>
                  <Badge tone={i.environment === 'production' ? 'bad' : 'info'}>{i.environment}</Badge>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {preview.warnings.length > 0 ? (
        <ul className="warnings" aria-label="Warnings">
          {preview.warnings.map((w) => (
            <li key={w}>⚠ {w}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** The database name an operator must type before a production restore. */
export function productionDatabaseName(preview: RestorePreview): string {
  const db = preview.items.find(
    (i) => /postgres|mariadb|database/i.test(i.type) && i.environment === 'production',
  );
  if (!db) return preview.items[0]?.component ?? 'production';
  const m = /\/([^/?#]+)(?:[?#].*)?$/.exec(db.destination);
  return m?.[1] ?? db.component;
}
