/**
 * How a call is declared: input and output schemas plus its protection. Types come from the
 * schemas (z.infer); nothing is typed twice.
 */
import { z } from 'zod';
import type { Access } from './roles.js';

/** Schemas registered here are secrets: the audit redactor drops them, logs never show them. */
export const secretRegistry = z.registry<{ secret: true }>();

/** Marks a string schema as a secret (password, TOTP code, token, key material). */
export function secret<T extends z.ZodType>(schema: T): T {
  secretRegistry.add(schema, { secret: true });
  return schema;
}

export function isSecretSchema(schema: z.ZodType): boolean {
  return secretRegistry.has(schema);
}

export interface CallSpec<I extends z.ZodType, O extends z.ZodType> {
  input: I;
  output: O;
  /** Minimum access: 'public' (no session), 'any' signed-in user, or a role. */
  role: Access;
  /** Needs a TOTP code entered within the last 5 minutes (auth.stepUp). */
  stepUp: boolean;
  /** Written to the audit log (every call that changes state or reads sensitive data). */
  audit: boolean;
  /** One line for docs and the command palette. */
  summary: string;
}

export function defineCall<I extends z.ZodType, O extends z.ZodType>(spec: CallSpec<I, O>): CallSpec<I, O> {
  return spec;
}

export const Empty = z.strictObject({});
export const Ok = z.object({ ok: z.literal(true) });
