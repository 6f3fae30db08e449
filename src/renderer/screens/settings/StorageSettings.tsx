/** Storage targets and their posture: add, test, forget. */
import { useState } from 'react';
import type { StorageTarget } from '../../../shared/contract/index.js';
import { useAction, useCall } from '../../api/hooks.js';
import { Badge, Button, Card, ConfirmDialog, Empty, ErrorBox, Loading } from '../../components/ui.js';
import { useCan } from '../../lib/session.js';
import { PosturePanel } from '../DashboardPanels.js';
import { StorageForm } from './StorageForm.js';

export function StorageSettings() {
  const can = useCan();
  const targets = useCall('storage.list', {});
  const posture = useCall('posture.get', {});
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<StorageTarget>();
  const create = useAction('storage.create', {
    invalidates: ['storage.list', 'posture.get'],
    onSuccess: () => setAdding(false),
  });
  const test = useAction('storage.test');
  const del = useAction('storage.delete', {
    invalidates: ['storage.list'],
    onSuccess: () => setDeleting(undefined),
  });

  return (
    <div className="stack">
      <Card
        title="Storage targets"
        actions={
          can('storage.create') && !adding ? (
            <Button onClick={() => setAdding(true)}>Add storage target</Button>
          ) : null
        }
      >
        {adding ? (
          <>
            <StorageForm
              submitLabel="Add storage target"
              busy={create.isPending}
              defaultRole="secondary"
              onSubmit={(i) => create.mutate(i)}
            />
            {create.isError ? <ErrorBox error={create.error} title="Not added" /> : null}
          </>
        ) : null}
        {targets.isPending ? <Loading what="storage targets" /> : null}
        {targets.isError ? <ErrorBox error={targets.error} title="Storage targets" /> : null}
        {targets.data?.length === 0 ? <Empty>No storage targets yet.</Empty> : null}
        {test.data ? (
          <p className={test.data.ok ? 'banner banner-ok' : 'banner banner-bad'} role="status">
            {test.data.message} ({Math.round(test.data.latencyMs)} ms)
          </p>
        ) : null}
        {test.isError ? <ErrorBox error={test.error} title="Storage test" /> : null}
        {targets.data && targets.data.length > 0 ? (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Location</th>
                <th scope="col">Credentials</th>
                {can('storage.test') ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {targets.data.map((t) => (
                <tr key={t.id}>
                  <th scope="row">{t.name}</th>
                  <td>{t.role}</td>
                  <td className="mono">{t.location}</td>
                  <td>
                    {t.hasCredentials ? (
                      <Badge tone="ok">In keychain</Badge>
                    ) : (
                      <Badge tone="muted">None</Badge>
                    )}
                  </td>
                  {can('storage.test') ? (
                    <td>
                      <div className="actions">
                        <Button onClick={() => test.mutate({ id: t.id })}>Test connection</Button>
                        <Button variant="danger" onClick={() => setDeleting(t)}>
                          Forget
                        </Button>
                      </div>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Card>
      {posture.data ? (
        <PosturePanel posture={posture.data} />
      ) : posture.isError ? (
        <ErrorBox error={posture.error} title="Storage posture" />
      ) : null}
      <ConfirmDialog
        open={Boolean(deleting)}
        title={`Forget the storage target “${deleting?.name ?? ''}”?`}
        confirmLabel="Forget storage target"
        danger
        busy={del.isPending}
        onCancel={() => setDeleting(undefined)}
        onConfirm={() => deleting && del.mutate({ id: deleting.id })}
      >
        <p>
          The console stops using <code>{deleting?.location}</code> and removes its credentials from the
          keychain. The backups already in the bucket are <strong>not deleted</strong>; plans that use this
          target will fail until they are changed.
        </p>
      </ConfirmDialog>
      {del.isError ? <ErrorBox error={del.error} title="Not removed" /> : null}
    </div>
  );
}
