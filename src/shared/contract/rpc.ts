/** The wire envelope shared by IPC and HTTP: a request names a call, a response is ok or an error. */
import { z } from 'zod';
import { ApiErrorSchema, type ApiErrorShape } from './errors.js';

export const RpcRequestSchema = z.object({ method: z.string().max(100), input: z.unknown() });
export type RpcRequest = z.infer<typeof RpcRequestSchema>;

export type RpcResponse<T = unknown> = { ok: true; data: T } | { ok: false; error: ApiErrorShape };
export const RpcResponseSchema = z.union([
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: ApiErrorSchema }),
]);

/** HTTP header carrying the per-launch token in `serve`. */
export const TOKEN_HEADER = 'X-Mvono-Token';
