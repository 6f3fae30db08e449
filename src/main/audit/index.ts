/** The audit journal: append-only hash chain (log.ts), redaction (redact.ts), exports (export.ts). */

export { exportAuditToStorage, replicatedUpTo, toCsv, toJsonl } from './export.js';
export { AuditLog, GENESIS, verifyAudit } from './log.js';
export { REDACTED, redact } from './redact.js';
