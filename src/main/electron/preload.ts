/**
 * Preload: exposes ONLY `window.api = { call(method, input), on(event, cb) -> unsubscribe }`
 * through contextBridge. Method and event names are checked against the contract's registry.
 * Sandboxed preloads cannot import ESM: the build bundles this file (with src/shared) to CommonJS.
 */
import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import { isEventName } from '../../shared/contract/events.js';
import { isCallName } from '../../shared/contract/index.js';
import type { RpcResponse } from '../../shared/contract/rpc.js';
import type { WindowApi } from '../../shared/window-api.js';
import { IPC } from './settings.js';

const api = {
  call(method: string, input: unknown): Promise<RpcResponse> {
    if (!isCallName(method)) {
      return Promise.resolve({
        ok: false,
        error: { code: 'NOT_FOUND', message: `Unknown call "${String(method)}".` },
      });
    }
    return ipcRenderer.invoke(IPC.rpc, method, input) as Promise<RpcResponse>;
  },
  on(event: string, cb: (payload: unknown) => void): () => void {
    if (!isEventName(event)) throw new TypeError(`Unknown event "${String(event)}"`);
    const listener = (_e: IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) cb(payload);
    };
    ipcRenderer.on(IPC.event, listener);
    return () => {
      ipcRenderer.removeListener(IPC.event, listener);
    };
  },
} as WindowApi;

contextBridge.exposeInMainWorld('api', api);
