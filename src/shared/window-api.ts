/**
 * The renderer's type of `window.api`, exposed by src/main/electron/preload.ts (which is checked
 * against this type with `satisfies`). Responses are envelopes; wrap with createApi() for `Api`.
 */

import type { EventName, EventPayload } from './contract/events.js';
import type { CallInput, CallName, CallOutput } from './contract/index.js';
import type { RpcResponse } from './contract/rpc.js';

export interface WindowApi {
  call<K extends CallName>(method: K, input: CallInput<K>): Promise<RpcResponse<CallOutput<K>>>;
  /** Subscribes to a host event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, cb: (payload: EventPayload<E>) => void): () => void;
}

declare global {
  interface Window {
    api: WindowApi;
  }
}
