/** The console frame: left navigation (role-aware), top bar, and the routed screen. */
import type { CallName } from '../../shared/contract/index.js';
import { ROLE_LABELS } from '../../shared/contract/index.js';
import { Button, NotAvailable } from '../components/ui.js';
import { href, useRoute } from '../lib/router.js';
import { useCan, useSession } from '../lib/session.js';
import { AuditLog } from './AuditLog.js';
import { Backups } from './Backups.js';
import { Dashboard } from './Dashboard.js';
import { Emergency } from './emergency/Emergency.js';
import { JobLog } from './JobLog.js';
import { Restore } from './Restore.js';
import { RestoreTests } from './RestoreTests.js';
import { Settings } from './settings/Settings.js';

interface NavItem {
  id: string;
  label: string;
  /** The call that decides whether the item is shown. */
  needs: CallName;
  emergency?: boolean;
}

const NAV: NavItem[] = [
  { id: 'dashboard', label: 'Automated Backups', needs: 'dashboard.summary' },
  { id: 'backups', label: 'Backups', needs: 'snapshots.list' },
  { id: 'restore', label: 'Restore', needs: 'restore.toStaging' },
  { id: 'emergency', label: 'Emergency Recovery', needs: 'incidents.open', emergency: true },
  { id: 'restore-tests', label: 'Restore tests', needs: 'restoreTests.list' },
  { id: 'audit', label: 'Audit log', needs: 'audit.list' },
  { id: 'settings', label: 'Settings', needs: 'settings.get' },
];

export function Shell() {
  const route = useRoute();
  const { me, signOut, timeZone } = useSession();
  const can = useCan();
  const section = route.path[0] ?? 'dashboard';
  const items = NAV.filter((n) => can(n.needs));

  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Sections">
        <div className="logo">
          Mvono
          <span>Backup Console</span>
        </div>
        <ul>
          {items.map((n) => (
            <li key={n.id}>
              <a
                href={href(n.id)}
                aria-current={section === n.id ? 'page' : undefined}
                className={n.emergency ? 'nav-emergency' : undefined}
              >
                {n.label}
              </a>
            </li>
          ))}
        </ul>
        <div className="sidebar-foot">
          <div>
            Times in <strong>{timeZone}</strong>
          </div>
        </div>
      </nav>
      <div className="main-col">
        <header className="topbar">
          <div className="crumbs">{crumb(section)}</div>
          <div className="user">
            <span>
              {me.displayName} · <strong>{ROLE_LABELS[me.role]}</strong>
            </span>
            <Button variant="quiet" onClick={signOut}>
              Sign out
            </Button>
          </div>
        </header>
        <main id="main" className="content" tabIndex={-1}>
          <Screen section={section} rest={route.path.slice(1)} params={route.params} />
        </main>
      </div>
    </div>
  );
}

function crumb(section: string): string {
  if (section === 'backups') return 'Admin Settings › System › Backups';
  if (section === 'dashboard') return 'Admin Settings › System › Backups › Automated Backups';
  const item = NAV.find((n) => n.id === section);
  return item?.label ?? '';
}

function Screen({ section, rest, params }: { section: string; rest: string[]; params: URLSearchParams }) {
  switch (section) {
    case 'dashboard':
      return <Dashboard />;
    case 'backups':
      return <Backups params={params} />;
    case 'restore':
      return <Restore params={params} />;
    case 'emergency':
      return <Emergency />;
    case 'restore-tests':
      return <RestoreTests />;
    case 'audit':
      return <AuditLog />;
    case 'settings':
      return <Settings tab={rest[0] ?? 'plans'} />;
    case 'jobs':
      return rest[0] ? <JobLog id={rest[0]} /> : <NotAvailable what="This page" />;
    default:
      return <NotAvailable what={`The page “${section}”`} />;
  }
}
