/** Top level: connection problems, first-run setup, sign-in, then the console shell. */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, connection } from './api/client.js';
import { useCall, useHostEvents } from './api/hooks.js';
import { StepUpDialog } from './components/StepUpDialog.js';
import { ErrorBox, Loading } from './components/ui.js';
import { DEFAULT_TIME_ZONE, SessionProvider } from './lib/session.js';
import { Setup } from './screens/Setup.js';
import { Shell } from './screens/Shell.js';
import { SignIn } from './screens/SignIn.js';

export function App() {
  const qc = useQueryClient();
  const status = useCall('auth.status', {}, { enabled: !connection.problem });
  const [setupActive, setSetupActive] = useState(false);
  const me = status.data?.me;
  const settings = useCall('settings.get', {}, { enabled: Boolean(me) });
  useHostEvents(Boolean(me));

  if (connection.problem) {
    return (
      <main className="center-page">
        <div className="panel">
          <h1>Mvono Backup Console</h1>
          <div className="error-box" role="alert">
            <strong>Cannot connect</strong>
            <p>{connection.problem}</p>
          </div>
        </div>
      </main>
    );
  }
  if (status.isPending) {
    return (
      <main className="center-page">
        <Loading what="the console" />
      </main>
    );
  }
  if (status.isError) {
    return (
      <main className="center-page">
        <div className="panel">
          <h1>Mvono Backup Console</h1>
          <ErrorBox error={status.error} title="The console server did not answer" />
        </div>
      </main>
    );
  }
  const refresh = () => qc.invalidateQueries();
  if (status.data.setupRequired || setupActive) {
    return (
      <>
        <Setup
          onStarted={() => setSetupActive(true)}
          onDone={() => {
            setSetupActive(false);
            void refresh();
          }}
          signedInAs={me}
        />
        <StepUpDialog />
      </>
    );
  }
  if (!me) return <SignIn onSignedIn={() => void refresh()} />;

  const signOut = async () => {
    try {
      await api['auth.logout']({});
    } finally {
      await qc.resetQueries();
    }
  };
  return (
    <SessionProvider
      value={{
        me,
        timeZone: settings.data?.timeZone ?? DEFAULT_TIME_ZONE,
        organisation: settings.data?.organisation ?? '',
        signOut: () => void signOut(),
      }}
    >
      <Shell />
      <StepUpDialog />
    </SessionProvider>
  );
}
