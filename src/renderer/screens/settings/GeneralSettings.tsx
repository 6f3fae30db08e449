/** General settings: organisation, display time zone, idle timeout, approval validity, key rotation. */
import { useEffect, useState } from 'react';
import { useAction, useCall } from '../../api/hooks.js';
import { Button, Card, ErrorBox, Loading, TextField } from '../../components/ui.js';
import { useCan } from '../../lib/session.js';

export function GeneralSettingsForm() {
  const can = useCan();
  const s = useCall('settings.get', {});
  const save = useAction('settings.update', { invalidates: ['settings.get'] });
  const [org, setOrg] = useState('');
  const [tz, setTz] = useState('');
  const [idle, setIdle] = useState('');
  const [approval, setApproval] = useState('');
  const [rotation, setRotation] = useState('');
  useEffect(() => {
    if (!s.data) return;
    setOrg(s.data.organisation);
    setTz(s.data.timeZone);
    setIdle(String(s.data.idleTimeoutMinutes));
    setApproval(String(s.data.approvalValidityMinutes));
    setRotation(String(s.data.keyRotationDays));
  }, [s.data]);
  if (s.isPending) return <Loading what="settings" />;
  if (s.isError) return <ErrorBox error={s.error} title="Settings" />;
  const admin = can('settings.update');
  return (
    <Card title="General">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({
            organisation: org,
            timeZone: tz,
            idleTimeoutMinutes: Number(idle),
            approvalValidityMinutes: Number(approval),
            keyRotationDays: Number(rotation),
          });
        }}
      >
        <fieldset disabled={!admin}>
          <div className="grid-3">
            <TextField label="Organisation" value={org} onChange={setOrg} />
            <TextField
              label="Display time zone"
              value={tz}
              onChange={setTz}
              help="IANA name, e.g. Africa/Nairobi (EAT)."
            />
            <TextField
              label="Sign out after idle (minutes)"
              value={idle}
              onChange={setIdle}
              inputMode="numeric"
            />
            <TextField
              label="Emergency approval valid for (minutes)"
              value={approval}
              onChange={setApproval}
              inputMode="numeric"
            />
            <TextField
              label="Key rotation every (days)"
              value={rotation}
              onChange={setRotation}
              inputMode="numeric"
            />
          </div>
        </fieldset>
        {save.isError ? <ErrorBox error={save.error} title="Not saved" /> : null}
        {save.isSuccess ? <p className="banner banner-ok">Saved.</p> : null}
        {admin ? (
          <Button type="submit" variant="primary" disabled={save.isPending}>
            Save settings
          </Button>
        ) : (
          <p className="muted">Only an administrator can change these.</p>
        )}
      </form>
    </Card>
  );
}
