/**
 * The typed client: turns any transport that answers RpcResponse envelopes (window.api in Electron,
 * HTTP /rpc in the browser) into `Api`, one async function per call, rejecting with ApiError.
 */

import { ApiError } from './contract/errors.js';
import { type Api, CALL_NAMES, type CallName } from './contract/index.js';
import type { RpcResponse } from './contract/rpc.js';

export type Transport = (method: CallName, input: unknown) => Promise<RpcResponse>;

export function createApi(transport: Transport): Api {
  const api: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const name of CALL_NAMES) {
    api[name] = async (input: unknown) => {
      const res = await transport(name, input ?? {});
      if (!res.ok) throw new ApiError(res.error);
      return res.data;
    };
  }
  return api as unknown as Api;
}
