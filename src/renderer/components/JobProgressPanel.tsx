/** Live progress of one job: bytes, files, rate, ETA, current item; Cancel; final state. */
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { Job, JobProgress } from '../../shared/contract/index.js';
import { getJobProgress, onJobProgress, useAction, useCall } from '../api/hooks.js';
import { formatBytes, formatCount, formatDuration, formatRate } from '../lib/format.js';
import { href } from '../lib/router.js';
import { isActive, JobStateBadge } from '../lib/status.js';
import { Button, ConfirmDialog, ErrorBox, Loading } from './ui.js';

export function useLiveProgress(jobId: string, fallback: JobProgress | undefined): JobProgress | undefined {
  const live = useSyncExternalStore(onJobProgress, () => getJobProgress(jobId));
  return live ?? fallback;
}

export function JobProgressPanel(props: {
  jobId: string;
  onFinished?: (job: Job) => void;
  cancelLabel?: string;
}) {
  // Events invalidate jobs.get; a slow fallback refetch covers a dropped event stream.
  const job = useCall('jobs.get', { id: props.jobId }, { refetchInterval: 5000 });
  const cancel = useAction('jobs.cancel', { invalidates: ['jobs.get', 'jobs.list'] });
  const [confirm, setConfirm] = useState(false);
  const progress = useLiveProgress(props.jobId, job.data?.progress);
  const reported = useRef(false);
  const onFinished = props.onFinished;
  const finished = job.data && !isActive(job.data) ? job.data : undefined;
  useEffect(() => {
    if (finished && !reported.current) {
      reported.current = true;
      onFinished?.(finished);
    }
  }, [finished, onFinished]);

  if (job.isPending) return <Loading what="job" />;
  if (job.isError) return <ErrorBox error={job.error} title="Job status" />;
  const j = job.data;
  const active = isActive(j);
  const pct =
    progress?.bytesTotal && progress.bytesTotal > 0
      ? Math.min(100, Math.round((progress.bytesDone / progress.bytesTotal) * 100))
      : undefined;

  return (
    <section className="progress-panel" aria-label={`Progress of ${j.title}`} aria-live="polite">
      <div className="progress-head">
        <strong>{j.title}</strong> <JobStateBadge state={j.state} />
        {progress?.phase && active ? <span className="muted"> — {progress.phase}</span> : null}
      </div>
      {active ? (
        <div
          className="bar"
          role="progressbar"
          aria-label="Progress"
          aria-valuemin={0}
          aria-valuemax={100}
          {...(pct !== undefined ? { 'aria-valuenow': pct } : {})}
        >
          <div
            className={pct === undefined ? 'bar-fill indeterminate' : 'bar-fill'}
            style={{ width: `${pct ?? 30}%` }}
          />
        </div>
      ) : null}
      <dl className="stats">
        <div>
          <dt>Data</dt>
          <dd>
            {formatBytes(progress?.bytesDone ?? 0)}
            {progress?.bytesTotal ? ` of ${formatBytes(progress.bytesTotal)}` : ''}
          </dd>
        </div>
        <div>
          <dt>Files</dt>
          <dd>
            {formatCount(progress?.filesDone ?? 0)}
            {progress?.filesTotal ? ` of ${formatCount(progress.filesTotal)}` : ''}
          </dd>
        </div>
        <div>
          <dt>Rate</dt>
          <dd>{active ? formatRate(progress?.rate) : '—'}</dd>
        </div>
        <div>
          <dt>Time left</dt>
          <dd>
            {active && progress?.etaSeconds !== undefined ? formatDuration(progress.etaSeconds * 1000) : '—'}
          </dd>
        </div>
      </dl>
      {active && progress?.current ? (
        <p className="current">
          Now: <code>{progress.current}</code>
        </p>
      ) : null}
      {j.error ? <ErrorBox error={j.error} title={`${j.title} failed`} /> : null}
      <div className="form-actions">
        {active ? (
          <Button variant="danger" onClick={() => setConfirm(true)} disabled={j.state === 'cancelling'}>
            {props.cancelLabel ?? 'Cancel'}
          </Button>
        ) : null}
        <a href={href(`jobs/${j.id}`)}>Open the job log</a>
      </div>
      <ConfirmDialog
        open={confirm}
        title="Cancel this job?"
        confirmLabel="Cancel the job"
        danger
        busy={cancel.isPending}
        onCancel={() => setConfirm(false)}
        onConfirm={() => {
          cancel.mutate({ id: j.id });
          setConfirm(false);
        }}
      >
        <p>
          “{j.title}” stops as soon as possible. Nothing half-written becomes visible: no partial backup
          appears in the list, and a restore leaves what it already wrote.
        </p>
      </ConfirmDialog>
    </section>
  );
}
