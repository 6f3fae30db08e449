/** Settings: plans and schedules, storage, keys, connection profiles, users and MFA, contacts, general. */

import type { CallName } from '../../../shared/contract/index.js';
import { NotAvailable } from '../../components/ui.js';
import { href } from '../../lib/router.js';
import { useCan } from '../../lib/session.js';
import { ContactsSettings } from './ContactsSettings.js';
import { GeneralSettingsForm } from './GeneralSettings.js';
import { KeysSettings } from './KeysSettings.js';
import { PlansSettings } from './PlansSettings.js';
import { ProfilesSettings } from './ProfilesSettings.js';
import { StorageSettings } from './StorageSettings.js';
import { UsersSettings } from './UsersSettings.js';

const TABS: { id: string; label: string; needs: CallName }[] = [
  { id: 'plans', label: 'Plans and schedules', needs: 'plans.list' },
  { id: 'storage', label: 'Storage', needs: 'storage.list' },
  { id: 'keys', label: 'Keys and rotation', needs: 'keys.status' },
  { id: 'profiles', label: 'Connection profiles', needs: 'profiles.list' },
  { id: 'users', label: 'Users and MFA', needs: 'users.list' },
  { id: 'contacts', label: 'Contacts and escalation', needs: 'contacts.list' },
  { id: 'general', label: 'General', needs: 'settings.get' },
];

export function Settings({ tab }: { tab: string }) {
  const can = useCan();
  const tabs = TABS.filter((t) => can(t.needs));
  return (
    <div className="stack">
      <h1>Settings</h1>
      <nav aria-label="Settings sections" className="tabs">
        {tabs.map((t) => (
          <a key={t.id} href={href(`settings/${t.id}`)} aria-current={t.id === tab ? 'page' : undefined}>
            {t.label}
          </a>
        ))}
      </nav>
      <Body tab={tab} />
    </div>
  );
}

function Body({ tab }: { tab: string }) {
  switch (tab) {
    case 'plans':
      return <PlansSettings />;
    case 'storage':
      return <StorageSettings />;
    case 'keys':
      return <KeysSettings />;
    case 'profiles':
      return <ProfilesSettings />;
    case 'users':
      return <UsersSettings />;
    case 'contacts':
      return <ContactsSettings />;
    case 'general':
      return <GeneralSettingsForm />;
    default:
      return <NotAvailable what={`The settings page “${tab}”`} />;
  }
}
