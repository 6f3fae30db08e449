/** General settings (key/value JSON) with the procedures' defaults. */
import { GeneralSettings } from '../../shared/contract/settings.js';
import type { CatalogDb } from './db.js';

export const DEFAULT_SETTINGS: GeneralSettings = {
  organisation: 'Mvono Consultants',
  timeZone: 'Africa/Nairobi',
  idleTimeoutMinutes: 30,
  approvalValidityMinutes: 30,
  keyRotationDays: 90,
};

export class SettingsStore {
  constructor(private readonly db: CatalogDb) {}
  get(): GeneralSettings {
    const rows = this.db.prepare("SELECT key, value FROM settings WHERE key LIKE 'general.%'").all() as {
      key: string;
      value: string;
    }[];
    const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS };
    for (const r of rows) merged[r.key.slice('general.'.length)] = JSON.parse(r.value);
    const parsed = GeneralSettings.safeParse(merged);
    return parsed.success ? parsed.data : DEFAULT_SETTINGS;
  }
  update(patch: Partial<GeneralSettings>): GeneralSettings {
    const up = this.db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    );
    this.db.transaction(() => {
      for (const [k, v] of Object.entries(patch))
        if (v !== undefined) up.run(`general.${k}`, JSON.stringify(v));
    })();
    return this.get();
  }
  getRaw(key: string): string | undefined {
    return (
      this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined
    )?.value;
  }
  setRaw(key: string, value: string): void {
    this.db
      .prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value);
  }
}
