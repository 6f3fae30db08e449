import type { ParseArgsConfig } from 'node:util';
import type { Ctx } from './context.js';

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options?: Options;
  run(ctx: Ctx, args: string[], values: Values): Promise<number>;
}

export const str = (v: Values, k: string): string | undefined =>
  typeof v[k] === 'string' ? (v[k] as string) : undefined;
export const strs = (v: Values, k: string): string[] => {
  const x = v[k];
  return Array.isArray(x) ? (x as string[]) : typeof x === 'string' ? [x] : [];
};
export const num = (v: Values, k: string): number | undefined => {
  const s = str(v, k);
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) throw new TypeError(`--${k} needs a whole number, got "${s}"`);
  return n;
};
