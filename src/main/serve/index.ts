/** serve/: the HTTP transport (loopback, per-launch token, SSE) into the same Host as Electron. */
export { type ServeHandle, type ServeOptions, startServe } from './server.js';
