/** Setup step: where backups are kept. Keeps an existing target (e.g. the local repository) or adds one. */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { CallInput, StorageTarget } from '../../../shared/contract/index.js';
import { callWithStepUp, useCall } from '../../api/hooks.js';
import { Button, ErrorBox, Loading } from '../../components/ui.js';
import { StorageForm } from '../settings/StorageForm.js';

export function SetupStorage({ onDone }: { onDone: (targetId: string) => void }) {
  const qc = useQueryClient();
  const targets = useCall('storage.list', {});
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const create = async (input: CallInput<'storage.create'>) => {
    setBusy(true);
    setError(undefined);
    try {
      const t = await callWithStepUp('storage.create', input);
      await qc.invalidateQueries({ queryKey: ['storage.list'] });
      onDone(t.id);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="storage-h">
      <h2 id="storage-h">Storage</h2>
      <p>
        The procedures keep daily backups in <strong>primary</strong> storage (Amazon S3) and the weekly
        complete system backup in <strong>secondary</strong> storage (Google Cloud Storage). You can start
        with a local directory and add the cloud buckets later in Settings.
      </p>
      {targets.isPending ? <Loading what="storage targets" /> : null}
      {targets.isError ? <ErrorBox error={targets.error} title="Storage targets" /> : null}
      {targets.data && targets.data.length > 0 && !adding ? (
        <ExistingTargets targets={targets.data} onUse={onDone} onAdd={() => setAdding(true)} />
      ) : null}
      {targets.data && (targets.data.length === 0 || adding) ? (
        <>
          <StorageForm
            submitLabel="Save storage target"
            busy={busy}
            onSubmit={create}
            defaultRole="primary"
          />
          {error ? <ErrorBox error={error} title="Could not add the storage target" /> : null}
        </>
      ) : null}
    </section>
  );
}

function ExistingTargets(props: {
  targets: StorageTarget[];
  onUse: (id: string) => void;
  onAdd: () => void;
}) {
  const first = props.targets.find((t) => t.role === 'primary') ?? props.targets[0];
  return (
    <div>
      <ul className="list">
        {props.targets.map((t) => (
          <li key={t.id}>
            <strong>{t.name}</strong> ({t.role}) — <code>{t.location}</code>
          </li>
        ))}
      </ul>
      <div className="form-actions">
        {first ? (
          <Button variant="primary" onClick={() => props.onUse(first.id)}>
            Use {first.name}
          </Button>
        ) : null}
        <Button onClick={props.onAdd}>Add another storage target</Button>
      </div>
    </div>
  );
}
