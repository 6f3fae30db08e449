/**
 * Emergency Recovery wizard, following the procedures: 1 severity and scope, 2 backup, 3 authorization,
 * 4 documentation, 5 options and target, 6 run, 7 validation; then the incident report.
 */
import { useState } from 'react';
import { useCall } from '../../api/hooks.js';
import { ContactsPanel } from '../../components/ContactsPanel.js';
import { Button, Card, Steps } from '../../components/ui.js';
import { useSession } from '../../lib/session.js';
import { Preflight, productionDatabaseName } from '../restore/Preflight.js';
import { readValidation } from '../restore/validation.js';
import { download, incidentReportHtml } from './report.js';
import { StepAssess } from './StepAssess.js';
import { StepAuthorize } from './StepAuthorize.js';
import { StepBackup } from './StepBackup.js';
import { StepDocument } from './StepDocument.js';
import { StepOptions, StepRun } from './StepExecute.js';
import { StepValidate } from './StepValidate.js';
import type { EmergencyState } from './state.js';

const STEPS = [
  'Severity and scope',
  'Backup',
  'Authorization',
  'Documentation',
  'Options and target',
  'Run',
  'Validation',
];

export function Emergency() {
  const { timeZone, organisation } = useSession();
  const [step, setStep] = useState(0);
  const [st, setSt] = useState<EmergencyState>({ timeline: [] });
  const [saved, setSaved] = useState<{ checklist: { name: string; ok: boolean }[]; result: string }>();
  const patch = (p: Partial<EmergencyState>) => setSt((s) => ({ ...s, ...p }));
  const sel = st.selection;
  const request = sel
    ? {
        targetId: sel.targetId,
        snapshotId: sel.snapshot.id,
        scope: sel.scope,
        ...(sel.pointInTime ? { pointInTime: sel.pointInTime } : {}),
      }
    : undefined;
  const preview = useCall(
    'restore.preview',
    {
      request: request ?? { targetId: 'x', snapshotId: '000000', scope: { kind: 'complete' } },
      destination: 'production',
    },
    { enabled: Boolean(request) && step >= 4 },
  );

  const saveReport = () => {
    if (!st.incident || !sel || !saved) return;
    const html = incidentReportHtml({
      incident: st.incident,
      selection: sel,
      ...(st.approval ? { approval: st.approval } : {}),
      ...(st.documentation ? { documentation: st.documentation } : {}),
      ...(st.job ? { job: st.job } : {}),
      ...(st.job ? { validation: readValidation(st.job) } : {}),
      checklist: saved.checklist,
      result: saved.result,
      timeZone,
      generatedAt: new Date().toISOString(),
      organisation,
    });
    download(`incident-${st.incident.id}.html`, 'text/html', html);
  };

  return (
    <div className="with-aside">
      <div className="stack">
        <h1>Emergency Recovery</h1>
        <Steps steps={STEPS} current={step} />
        {step === 0 ? (
          <Card title="1. Identify the severity and scope of the data loss">
            <StepAssess
              initial={st.assessment}
              onNext={(assessment) => {
                patch({ assessment });
                setStep(1);
              }}
            />
          </Card>
        ) : null}
        {step === 1 && st.assessment ? (
          <Card title="2. Select the appropriate backup to restore">
            <StepBackup
              assessment={st.assessment}
              onBack={() => setStep(0)}
              onNext={(selection) => {
                patch({ selection });
                setStep(2);
              }}
            />
          </Card>
        ) : null}
        {step === 2 && st.assessment && sel ? (
          <Card title="3. Authorization by the system administrator">
            <StepAuthorize
              assessment={st.assessment}
              selection={sel}
              {...(st.incident ? { incident: st.incident } : {})}
              {...(st.approval ? { approval: st.approval } : {})}
              onIncident={(incident) => patch({ incident })}
              onApproval={(approval) => patch({ approval })}
              onBack={() => setStep(1)}
              onNext={() => setStep(3)}
            />
          </Card>
        ) : null}
        {step === 3 && st.incident ? (
          <Card title="4. Document the incident and the recovery plan">
            <StepDocument
              incident={st.incident}
              initialPlan={st.incident.recoveryPlan}
              onBack={() => setStep(2)}
              onDone={(documentation, incident) => {
                patch({ documentation, incident });
                setStep(4);
              }}
            />
          </Card>
        ) : null}
        {step === 4 && sel && st.approval ? (
          <Card title="5. Restoration options and target">
            <StepOptions
              selection={sel}
              approval={st.approval}
              onBack={() => setStep(3)}
              onNext={() => setStep(5)}
            />
            {preview.data ? <Preflight preview={preview.data} /> : null}
          </Card>
        ) : null}
        {step === 5 && st.approval ? (
          <Card title="6. Run the restore and monitor it">
            <StepRun
              approval={st.approval}
              databaseName={preview.data ? productionDatabaseName(preview.data) : 'production'}
              {...(st.jobId ? { jobId: st.jobId } : {})}
              {...(st.job ? { finished: st.job } : {})}
              onStarted={(jobId) => patch({ jobId })}
              onFinished={(job) => patch({ job })}
              onNext={() => setStep(6)}
            />
          </Card>
        ) : null}
        {step === 6 && st.incident ? (
          <Card title="7. Validate after completion">
            {saved ? (
              <div>
                <p className="banner banner-ok" role="status">
                  Result recorded: {saved.result}
                </p>
                <Button variant="primary" onClick={saveReport}>
                  Save incident report (HTML)
                </Button>
              </div>
            ) : (
              <StepValidate
                incident={st.incident}
                {...(st.job ? { job: st.job } : {})}
                onSaved={(checklist, result, incident) => {
                  patch({ incident });
                  setSaved({ checklist, result });
                }}
              />
            )}
          </Card>
        ) : null}
      </div>
      <ContactsPanel />
    </div>
  );
}
