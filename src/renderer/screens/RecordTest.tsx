/** "Record a test", following the procedures' 7 recovery-testing steps. */
import { useState } from 'react';
import type { Job, RestoreTestKind, Snapshot } from '../../shared/contract/index.js';
import { useAction, useCall } from '../api/hooks.js';
import { JobProgressPanel } from '../components/JobProgressPanel.js';
import { Button, Card, ErrorBox, SelectField, TextField } from '../components/ui.js';
import { SnapshotPicker } from './restore/SnapshotPicker.js';
import { ValidationReport } from './restore/ValidationReport.js';
import { readValidation } from './restore/validation.js';

const FUNCTIONAL = [
  'The restored application/database starts',
  'Users can sign in to the test environment',
  'Key reports open',
];

export function RecordTest({ onClose }: { onClose: () => void }) {
  const profiles = useCall('profiles.list', {});
  const targets = useCall('storage.list', {});
  const [kind, setKind] = useState<RestoreTestKind>('database');
  const [profileId, setProfileId] = useState('');
  const [directory, setDirectory] = useState('');
  const [targetId, setTargetId] = useState('');
  const [snapshot, setSnapshot] = useState<Snapshot>();
  const [jobId, setJobId] = useState<string>();
  const [job, setJob] = useState<Job>();
  const [startedAt, setStartedAt] = useState<string>();
  const [functional, setFunctional] = useState<boolean[]>(FUNCTIONAL.map(() => false));
  const [sampleOk, setSampleOk] = useState(false);
  const [notes, setNotes] = useState('');
  const [issues, setIssues] = useState('');
  const [followUp, setFollowUp] = useState('');
  const run = useAction('restoreTests.run', { onSuccess: (r) => setJobId(r.jobId) });
  const record = useAction('restoreTests.record', {
    invalidates: ['restoreTests.list', 'restoreTests.due', 'dashboard.summary'],
  });
  const test = (profiles.data ?? []).filter((p) => p.environment !== 'production');
  const tId = targetId || targets.data?.find((t) => t.role === 'primary')?.id || targets.data?.[0]?.id || '';
  const validation = readValidation(job);
  const autoRecordId = typeof job?.result?.recordId === 'string' ? job.result.recordId : undefined;
  const records = useCall('restoreTests.list', { limit: 20 }, { enabled: Boolean(autoRecordId) });
  const autoRecord = records.data?.find((r) => r.id === autoRecordId);
  const autoSample = validation ? validation.rows.every((r) => r.status === 'match') : undefined;
  const checks = [
    ...FUNCTIONAL.map((name, i) => ({ name, ok: functional[i] ?? false })),
    {
      name: 'Data integrity verified by sampling',
      ok: sampleOk,
      ...(validation
        ? {
            detail: `${validation.rows.filter((r) => r.status === 'match').length}/${validation.rows.length} tables match`,
          }
        : {}),
    },
  ];
  const allOk = job?.state === 'succeeded' && checks.every((c) => c.ok);
  const outcome = job?.state !== 'succeeded' ? 'failed' : allOk ? 'passed' : 'passed-with-issues';

  const start = () => {
    setStartedAt(new Date().toISOString());
    run.mutate({
      kind,
      targetId: tId,
      ...(snapshot ? { snapshotId: snapshot.id } : {}),
      ...(profileId ? { profileId } : {}),
      ...(directory.trim() ? { directory: directory.trim() } : {}),
    });
  };

  if (record.isSuccess) {
    return (
      <Card title="Record a test">
        <p className="banner banner-ok" role="status">
          Test recorded ({outcome}).{' '}
          {issues ? 'Step 7: address the problems listed under Issues and track the follow-up.' : ''}
        </p>
        {followUp ? <p>Follow-up: {followUp}</p> : null}
        <Button onClick={onClose}>Close</Button>
      </Card>
    );
  }

  return (
    <Card title="Record a test">
      <ol className="procedure">
        <li>
          <h3>Create a separate testing environment</h3>
          <div className="grid-3">
            <SelectField
              label="Kind of test"
              value={kind}
              onChange={setKind}
              options={[
                { value: 'database', label: 'Database-only recovery (weekly)' },
                { value: 'partial', label: 'Partial recovery (monthly)' },
                { value: 'full', label: 'Full recovery (quarterly)' },
              ]}
            />
            <SelectField
              label="Test database server"
              value={profileId}
              onChange={setProfileId}
              options={[
                { value: '', label: test.length ? 'Choose…' : 'None — add a staging/test profile' },
                ...test.map((p) => ({ value: p.id, label: `${p.name} (${p.environment})` })),
              ]}
            />
            <TextField
              label="Test directory for files"
              value={directory}
              onChange={setDirectory}
              placeholder="/srv/restore-test"
            />
          </div>
        </li>
        <li>
          <h3>Select a recent backup to restore</h3>
          <SnapshotPicker
            targetId={tId}
            onTarget={setTargetId}
            selected={snapshot?.id}
            onSelect={setSnapshot}
          />
        </li>
        <li>
          <h3>Execute the restoration process</h3>
          {jobId ? (
            <JobProgressPanel jobId={jobId} onFinished={setJob} />
          ) : (
            <Button
              variant="primary"
              disabled={run.isPending || !snapshot || (!profileId && !directory.trim())}
              onClick={start}
            >
              Start test restore
            </Button>
          )}
          {run.isError ? <ErrorBox error={run.error} title="The test restore did not start" /> : null}
        </li>
        <li>
          <h3>Validate system functionality after restoration</h3>
          {FUNCTIONAL.map((c, i) => (
            <label key={c} className="check block">
              <input
                type="checkbox"
                checked={functional[i] ?? false}
                onChange={(e) => setFunctional(functional.map((v, j) => (j === i ? e.target.checked : v)))}
              />{' '}
              {c}
            </label>
          ))}
        </li>
        <li>
          <h3>Verify data integrity through sampling</h3>
          {autoRecord ? (
            <div className="banner banner-ok" role="status">
              The console recorded this test automatically: <strong>{autoRecord.outcome}</strong>.
              <ul className="evidence" aria-label="Automatic checks">
                {autoRecord.checks.map((c) => (
                  <li key={c.name}>
                    {c.ok ? '✔' : '✘'} {c.name}
                    {c.detail ? ` — ${c.detail}` : ''}
                  </li>
                ))}
              </ul>
            </div>
          ) : job?.state === 'succeeded' ? (
            <ValidationReport job={job} />
          ) : (
            <p className="muted">Shown when the test restore finishes.</p>
          )}
          <label className="check block">
            <input type="checkbox" checked={sampleOk} onChange={(e) => setSampleOk(e.target.checked)} />{' '}
            Sampled data matches
            {autoSample === true
              ? ' (the automatic sample agrees)'
              : autoSample === false
                ? ' (the automatic sample found differences)'
                : ''}
          </label>
        </li>
        <li>
          <h3>Document results and issues</h3>
          <TextField label="Notes" value={notes} onChange={setNotes} />
          <TextField label="Issues found" value={issues} onChange={setIssues} />
        </li>
        <li>
          <h3>Address any problems identified</h3>
          <TextField label="Follow-up actions (who, what, by when)" value={followUp} onChange={setFollowUp} />
        </li>
      </ol>
      {record.isError ? <ErrorBox error={record.error} title="Could not record the test" /> : null}
      <div className="form-actions">
        <Button
          variant="primary"
          disabled={record.isPending || !snapshot || !job}
          onClick={() =>
            snapshot &&
            record.mutate({
              kind,
              targetId: tId,
              snapshotId: snapshot.id,
              ...(jobId ? { jobId } : {}),
              startedAt: job?.startedAt ?? startedAt ?? new Date().toISOString(),
              finishedAt: job?.finishedAt ?? new Date().toISOString(),
              outcome,
              checks,
              notes: [
                autoRecordId ? `Operator review of automatic test record ${autoRecordId}.` : '',
                notes,
                followUp ? `Follow-up: ${followUp}` : '',
              ]
                .filter(Boolean)
                .join('\n'),
              issues,
            })
          }
        >
          Record test result ({outcome})
        </Button>
        <Button onClick={onClose}>Cancel</Button>
      </div>
    </Card>
  );
}
