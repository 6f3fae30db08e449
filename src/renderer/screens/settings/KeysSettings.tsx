/** Repository keys: slots, rotation status (every 90 days), rotate, add or remove a slot. */
import { useState } from 'react';
import { useAction, useCall } from '../../api/hooks.js';
import {
  Badge,
  Button,
  Card,
  ConfirmDialog,
  CopyButton,
  Empty,
  ErrorBox,
  Loading,
} from '../../components/ui.js';
import { formatTime } from '../../lib/format.js';
import { href } from '../../lib/router.js';
import { useCan, useSession } from '../../lib/session.js';

export function KeysSettings() {
  const { timeZone } = useSession();
  const can = useCan();
  const keys = useCall('keys.status', {});
  const targets = useCall('storage.list', {});
  const [rotating, setRotating] = useState<string>();
  const [removing, setRemoving] = useState<{ targetId: string; slotId: string }>();
  const rotate = useAction('keys.rotate', {
    invalidates: ['keys.status'],
    onSuccess: () => setRotating(undefined),
  });
  const add = useAction('keys.addSlot', { invalidates: ['keys.status'] });
  const remove = useAction('keys.removeSlot', {
    invalidates: ['keys.status'],
    onSuccess: () => setRemoving(undefined),
  });
  const name = (id: string) => targets.data?.find((t) => t.id === id)?.name ?? id;

  return (
    <Card title="Keys and rotation">
      <p className="muted">
        Backups are encrypted with AES-256. Key-encryption keys are rotated every 90 days.
      </p>
      {keys.isPending ? <Loading what="keys" /> : null}
      {keys.isError ? <ErrorBox error={keys.error} title="Keys" /> : null}
      {keys.data?.length === 0 ? <Empty>No repositories yet.</Empty> : null}
      {(
        [
          ['rotate', rotate],
          ['add', add],
          ['remove', remove],
        ] as const
      ).map(([k, m]) => (m.isError ? <ErrorBox key={k} error={m.error} title="Not done" /> : null))}
      {rotate.isSuccess ? (
        <p className="banner banner-ok">
          Rotation started. <a href={href(`jobs/${rotate.data.jobId}`)}>Follow the job</a>
        </p>
      ) : null}
      {add.data?.revealOnce ? (
        <p className="banner banner-warn">
          New recovery key — shown only once: <code className="secret">{add.data.revealOnce}</code>{' '}
          <CopyButton text={add.data.revealOnce} label="recovery key" />
        </p>
      ) : null}
      {keys.data?.map((k) => (
        <section key={k.targetId} className="key-block" aria-label={`Keys of ${name(k.targetId)}`}>
          <h3>
            {name(k.targetId)}{' '}
            {!k.initialized ? (
              <Badge tone="warn">Not initialised</Badge>
            ) : k.rotationOverdue ? (
              <Badge tone="bad">Rotation overdue</Badge>
            ) : (
              <Badge tone="ok">OK</Badge>
            )}
          </h3>
          <p className="small">
            Last rotation: {formatTime(k.lastRotationAt, timeZone)} · next due:{' '}
            {formatTime(k.nextRotationDue, timeZone)}
          </p>
          <ul className="list">
            {k.slots.map((s) => (
              <li key={s.id}>
                <strong>{s.type}</strong> slot <code>{s.id}</code>{' '}
                {s.reference ? <span className="mono small">({s.reference})</span> : null} — added{' '}
                {formatTime(s.createdAt, timeZone)}{' '}
                {can('keys.removeSlot') && k.slots.length > 1 ? (
                  <Button variant="quiet" onClick={() => setRemoving({ targetId: k.targetId, slotId: s.id })}>
                    Remove
                  </Button>
                ) : null}
              </li>
            ))}
          </ul>
          {can('keys.rotate') && k.initialized ? (
            <div className="form-actions">
              <Button onClick={() => setRotating(k.targetId)}>Rotate keys now</Button>
              <Button onClick={() => add.mutate({ targetId: k.targetId, slot: { type: 'recovery' } })}>
                Add recovery key
              </Button>
              <Button onClick={() => add.mutate({ targetId: k.targetId, slot: { type: 'keychain' } })}>
                Add keychain slot
              </Button>
            </div>
          ) : null}
        </section>
      ))}
      <ConfirmDialog
        open={Boolean(rotating)}
        title="Rotate the keys now?"
        confirmLabel="Rotate keys"
        busy={rotate.isPending}
        onCancel={() => setRotating(undefined)}
        onConfirm={() => rotating && rotate.mutate({ targetId: rotating })}
      >
        <p>
          The repository's master key is re-wrapped with fresh key-encryption keys for every slot. Backups
          stay readable; the rotation is recorded in the audit log and the next rotation becomes due in 90
          days.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={Boolean(removing)}
        title="Remove this key slot?"
        confirmLabel="Remove key slot"
        danger
        busy={remove.isPending}
        onCancel={() => setRemoving(undefined)}
        onConfirm={() => removing && remove.mutate(removing)}
      >
        <p>
          Slot <code>{removing?.slotId}</code> can no longer open the backups. Make sure another slot
          (keychain, KMS or a recovery key you hold) still works.
        </p>
      </ConfirmDialog>
    </Card>
  );
}
