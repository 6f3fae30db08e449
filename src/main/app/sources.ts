/** SourceService: "Test connection" for a profile, through the sources' preflight checks. */
import type { SourceService } from '../host/ports.js';
import { preflightMariadb, preflightPostgres } from '../sources/index.js';

export function sourceService(): SourceService {
  return {
    async testConnection(profile, auth) {
      if (profile.kind === 'postgres') {
        const r = await preflightPostgres(profile, { ...auth, checkSpace: false });
        return { serverVersion: r.serverVersion };
      }
      const r = await preflightMariadb(profile, { ...auth, checkSpace: false });
      return { serverVersion: r.version };
    },
  };
}
