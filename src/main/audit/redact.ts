/**
 * Schema-driven redaction: walks a value alongside its zod schema and replaces every field whose
 * schema is marked secret (contract `secret()`), and, as a second net, every field whose NAME looks
 * like a secret (password, secret, token, totp, recovery code, credentials, key material).
 */
import type { z } from 'zod';
import { isSecretSchema } from '../../shared/contract/define.js';

export const REDACTED = '[redacted]';

export const SECRET_NAME =
  /pass(word|phrase)?|secret|token|totp|otp$|recovery.?code|credential|private.?key|api.?key|access.?key|master.?key|session/i;

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
  getter?: () => z.ZodType;
  left?: z.ZodType;
  right?: z.ZodType;
}

function def(s: z.ZodType): Def {
  return (s as unknown as { _zod: { def: Def } })._zod.def;
}

function byName(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(byName);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_NAME.test(k) ? REDACTED : byName(v);
    return out;
  }
  return value;
}

export function redact(schema: z.ZodType | undefined, value: unknown, depth = 0): unknown {
  if (value === undefined || value === null) return value;
  if (!schema || depth > 50) return byName(value);
  if (isSecretSchema(schema)) return REDACTED;
  const d = def(schema);
  switch (d.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
    case 'success':
      return redact(d.innerType, value, depth + 1);
    case 'pipe':
      return redact(d.in, value, depth + 1);
    case 'lazy':
      return redact(d.getter?.(), value, depth + 1);
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return value;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        out[k] = SECRET_NAME.test(k) ? REDACTED : redact(d.shape?.[k], v, depth + 1);
      }
      return out;
    }
    case 'array':
      return Array.isArray(value) ? value.map((v) => redact(d.element, v, depth + 1)) : value;
    case 'record':
      if (typeof value !== 'object' || Array.isArray(value)) return value;
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [
          k,
          SECRET_NAME.test(k) ? REDACTED : redact(d.valueType, v, depth + 1),
        ]),
      );
    case 'union': {
      // Apply every option: a field secret in any option is redacted.
      let v: unknown = value;
      for (const o of d.options ?? []) v = redact(o, v, depth + 1);
      return v;
    }
    case 'intersection':
      return redact(d.right, redact(d.left, value, depth + 1), depth + 1);
    default:
      return byName(value);
  }
}
