/** The automated backup schedule from the backup procedures, as plan inputs. */
import type { CallInput, PlanComponent, PlanKind } from '../../shared/contract/index.js';

export interface SeedPlan {
  key: string;
  name: string;
  kind: PlanKind;
  cron: string;
  when: string;
  retention: CallInput<'plans.create'>['retention'];
  retentionText: string;
  storage: 'primary' | 'secondary';
  parts: ('database' | 'files' | 'config')[];
}

export const SEED_PLANS: SeedPlan[] = [
  {
    key: 'db-full',
    name: 'Database Full Backup',
    kind: 'database-full',
    cron: '0 0 * * *',
    when: 'Daily at 12:00 AM EAT',
    retention: { keepDays: 30, keepForever: false },
    retentionText: '30 days',
    storage: 'primary',
    parts: ['database'],
  },
  {
    key: 'incremental',
    name: 'Incremental Backup',
    kind: 'incremental',
    cron: '0 */4 * * *',
    when: 'Every 4 hours',
    retention: { keepDays: 7, keepForever: false },
    retentionText: '7 days',
    storage: 'primary',
    parts: ['database', 'files'],
  },
  {
    key: 'files',
    name: 'File System Backup',
    kind: 'files',
    cron: '0 1 * * *',
    when: 'Daily at 1:00 AM EAT',
    retention: { keepDays: 30, keepForever: false },
    retentionText: '30 days',
    storage: 'primary',
    parts: ['files'],
  },
  {
    key: 'system',
    name: 'Complete System Backup',
    kind: 'system',
    cron: '0 2 * * 0',
    when: 'Weekly, Sunday at 2:00 AM EAT',
    retention: { keepWeeks: 12, keepForever: false },
    retentionText: '12 weeks',
    storage: 'secondary',
    parts: ['database', 'files', 'config'],
  },
  {
    key: 'schema',
    name: 'Database Schema Backup',
    kind: 'schema',
    cron: '*/15 * * * *',
    when: 'After each schema change (checked every 15 minutes)',
    retention: { keepForever: true },
    retentionText: 'Indefinitely',
    storage: 'primary',
    parts: ['database'],
  },
];

export interface SeedSources {
  profileId?: string;
  database?: string;
  uploadsPath?: string;
  configPath?: string;
}

export function seedComponents(plan: SeedPlan, src: SeedSources): PlanComponent[] {
  const out: PlanComponent[] = [];
  if (plan.parts.includes('database') && src.profileId)
    out.push({ type: 'postgres', name: 'database', profileId: src.profileId, databases: [] });
  if (plan.parts.includes('files') && src.uploadsPath)
    out.push({ type: 'files', name: 'uploads', paths: [src.uploadsPath] });
  if (plan.parts.includes('config') && src.configPath)
    out.push({ type: 'config', name: 'config', paths: [src.configPath] });
  return out;
}
