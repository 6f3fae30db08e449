/**
 * host/: the one implementation of the contract (src/shared/contract). Transports (electron/,
 * serve/, cli/) call `host.call()`; handlers reach engines only through ports.ts. See README.md.
 */

export type { SessionRef } from './context.js';
export { EventBus } from './events.js';
export { createHost, type Host, type HostOptions } from './host.js';
export type * from './ports.js';
