/** Every call's handler. The type makes the map exhaustive: a contract call without a handler fails to compile. */
import type { CallName } from '../../../shared/contract/index.js';
import type { HandlerMap } from '../context.js';
import { authHandlers, usersHandlers } from './auth.js';
import { dashboardHandlers } from './dashboard.js';
import { emergencyHandlers } from './emergency.js';
import { jobsHandlers, plansHandlers, restoreHandlers, snapshotsHandlers } from './engine.js';
import { auditHandlers, restoreTestsHandlers } from './records.js';
import { settingsHandlers } from './settings.js';

export const handlers: HandlerMap<CallName> = {
  ...authHandlers,
  ...usersHandlers,
  ...dashboardHandlers,
  ...plansHandlers,
  ...snapshotsHandlers,
  ...jobsHandlers,
  ...restoreHandlers,
  ...emergencyHandlers,
  ...restoreTestsHandlers,
  ...auditHandlers,
  ...settingsHandlers,
};
