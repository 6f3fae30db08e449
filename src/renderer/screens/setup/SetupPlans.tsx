/** Setup step: what to back up (database profile, uploads, configuration) and the default plans. */
import { useState } from 'react';
import { api } from '../../api/client.js';
import { callWithStepUp } from '../../api/hooks.js';
import { Button, ErrorBox, TextField } from '../../components/ui.js';
import { SEED_PLANS, seedComponents } from '../../lib/defaultPlans.js';
import { DEFAULT_TIME_ZONE } from '../../lib/session.js';

export function SetupPlans({ onDone }: { onDone: () => void }) {
  const [host, setHost] = useState('127.0.0.1');
  const [port, setPort] = useState('5432');
  const [database, setDatabase] = useState('');
  const [user, setUser] = useState('postgres');
  const [password, setPassword] = useState('');
  const [uploads, setUploads] = useState('');
  const [config, setConfig] = useState('');
  const [chosen, setChosen] = useState<Set<string>>(new Set(SEED_PLANS.map((p) => p.key)));
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string[]>([]);

  const create = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const list = await api['storage.list']({});
      const primary = list.find((t) => t.role === 'primary') ?? list[0];
      const secondary = list.find((t) => t.role === 'secondary') ?? primary;
      if (!primary) throw new Error('Add a storage target first.');
      let profileId: string | undefined;
      if (database.trim()) {
        const profile = await callWithStepUp('profiles.create', {
          profile: {
            name: `Production database ${database.trim()}`,
            kind: 'postgres',
            host: host.trim(),
            port: Number(port),
            database: database.trim(),
            user: user.trim(),
            tls: 'prefer',
            environment: 'production',
          },
          ...(password ? { password } : {}),
        });
        profileId = profile.id;
      }
      const src = {
        ...(profileId ? { profileId } : {}),
        ...(uploads.trim() ? { uploadsPath: uploads.trim() } : {}),
        ...(config.trim() ? { configPath: config.trim() } : {}),
      };
      const made: string[] = [];
      for (const p of SEED_PLANS.filter((x) => chosen.has(x.key))) {
        const components = seedComponents(p, src);
        if (components.length === 0) continue;
        await callWithStepUp('plans.create', {
          name: p.name,
          kind: p.kind,
          schedule: { cron: p.cron, timeZone: DEFAULT_TIME_ZONE },
          components,
          targetId: (p.storage === 'secondary' ? secondary : primary)?.id ?? primary.id,
          copyTo: [],
          retention: p.retention,
          enabled: true,
        });
        made.push(p.name);
      }
      if (made.length === 0) onDone();
      else setDone(made);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  if (done.length > 0) {
    return (
      <section aria-labelledby="plans-done-h">
        <h2 id="plans-done-h">Setup complete</h2>
        <p>These plans now run on their schedule (times in EAT, Africa/Nairobi):</p>
        <ul className="list">
          {done.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
        <Button variant="primary" onClick={onDone} autoFocus>
          Open the dashboard
        </Button>
      </section>
    );
  }

  const toggle = (key: string) => {
    const next = new Set(chosen);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    setChosen(next);
  };

  return (
    <section aria-labelledby="plans-h">
      <h2 id="plans-h">What to back up, and when</h2>
      <fieldset>
        <legend>Production database (PostgreSQL)</legend>
        <div className="grid-4">
          <TextField label="Host" value={host} onChange={setHost} />
          <TextField label="Port" value={port} onChange={setPort} inputMode="numeric" />
          <TextField label="Database name" value={database} onChange={setDatabase} />
          <TextField label="User" value={user} onChange={setUser} />
        </div>
        <TextField
          label="Password (optional)"
          type="password"
          value={password}
          onChange={setPassword}
          autoComplete="off"
          help="Kept in the operating system's keychain, never in the console's files."
        />
      </fieldset>
      <fieldset>
        <legend>Files</legend>
        <div className="grid-2">
          <TextField
            label="File uploads directory"
            value={uploads}
            onChange={setUploads}
            placeholder="/srv/mvono/uploads"
          />
          <TextField
            label="Configuration directory"
            value={config}
            onChange={setConfig}
            placeholder="/etc/mvono"
          />
        </div>
      </fieldset>
      <fieldset>
        <legend>Default plans (from the backup procedures)</legend>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Create</th>
              <th scope="col">Plan</th>
              <th scope="col">When</th>
              <th scope="col">Keep</th>
              <th scope="col">Storage</th>
            </tr>
          </thead>
          <tbody>
            {SEED_PLANS.map((p) => (
              <tr key={p.key}>
                <td>
                  <input
                    type="checkbox"
                    checked={chosen.has(p.key)}
                    onChange={() => toggle(p.key)}
                    aria-label={`Create ${p.name}`}
                  />
                </td>
                <td>{p.name}</td>
                <td>{p.when}</td>
                <td>{p.retentionText}</td>
                <td>{p.storage === 'primary' ? 'Primary' : 'Secondary'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="help">
          A plan is created only when something it covers is filled in above (database, uploads or
          configuration).
        </p>
      </fieldset>
      {error ? <ErrorBox error={error} title="Could not create the plans" /> : null}
      <div className="form-actions">
        <Button variant="primary" disabled={busy} onClick={() => void create()}>
          {busy ? 'Creating plans…' : 'Create plans and finish'}
        </Button>
        <Button variant="quiet" onClick={onDone}>
          Skip for now
        </Button>
      </div>
    </section>
  );
}
