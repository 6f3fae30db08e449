/**
 * PostgreSQL DDL notifications: an event trigger on ddl_command_end calls a function that sends
 * pg_notify('mvono_schema_change', json) so an agent listening with LISTEN can record the schema
 * within seconds of a DDL statement. Installing needs a superuser (event triggers do).
 * `watchSchemaChanges` coalesces bursts (a migration's many statements) with a debounce and
 * reconnects after connection loss until the signal fires.
 */
import type pg from 'pg';
import { type Clock, systemClock } from '../../platform/clock.js';
import { connectPg, withPg } from '../postgres/connect.js';
import type { DbAuth, DbProfile } from '../profile.js';

export const SCHEMA_CHANNEL = 'mvono_schema_change';

export interface SchemaChangeEvent {
  database: string;
  tags: string[];
  objects: string[];
}

export async function installSchemaTrigger(p: DbProfile, auth: DbAuth = {}): Promise<void> {
  await withPg(p, auth, async (c) => {
    await c.query(`
      CREATE OR REPLACE FUNCTION public.mvono_notify_schema_change() RETURNS event_trigger
      LANGUAGE plpgsql AS $$
      DECLARE objs text;
      BEGIN
        SELECT string_agg(object_identity, ',') INTO objs FROM pg_event_trigger_ddl_commands();
        PERFORM pg_notify('${SCHEMA_CHANNEL}', json_build_object(
          'database', current_database(), 'tag', tg_tag, 'objects', coalesce(objs, ''))::text);
      END $$`);
    await c.query('DROP EVENT TRIGGER IF EXISTS mvono_schema_change');
    await c.query(
      'CREATE EVENT TRIGGER mvono_schema_change ON ddl_command_end EXECUTE FUNCTION public.mvono_notify_schema_change()',
    );
  });
}

export async function uninstallSchemaTrigger(p: DbProfile, auth: DbAuth = {}): Promise<void> {
  await withPg(p, auth, async (c) => {
    await c.query('DROP EVENT TRIGGER IF EXISTS mvono_schema_change');
    await c.query('DROP FUNCTION IF EXISTS public.mvono_notify_schema_change()');
  });
}

export interface WatchOptions extends DbAuth {
  debounceMs?: number;
  reconnectMs?: number;
  clock?: Clock;
  onError?: (e: unknown) => void;
}

/** Calls `onChange` after DDL in the profile's database; resolves when `signal` aborts. */
export async function watchSchemaChanges(
  p: DbProfile,
  onChange: (e: SchemaChangeEvent) => void | Promise<void>,
  signal: AbortSignal,
  opts: WatchOptions = {},
): Promise<void> {
  const clock = opts.clock ?? systemClock;
  const debounce = opts.debounceMs ?? 2000;
  let pending: SchemaChangeEvent | undefined;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    const ev = pending;
    pending = undefined;
    timer = undefined;
    if (ev) Promise.resolve(onChange(ev)).catch((e) => opts.onError?.(e));
  };
  while (!signal.aborted) {
    let client: pg.Client | undefined;
    try {
      client = await connectPg(p, opts);
      const c = client;
      const lost = new Promise<void>((resolve) => {
        c.on('error', () => resolve());
        c.on('end', () => resolve());
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
      c.on('notification', (n) => {
        if (n.channel !== SCHEMA_CHANNEL) return;
        let tag = '';
        let objects: string[] = [];
        try {
          const j = JSON.parse(n.payload ?? '{}') as { tag?: string; objects?: string };
          tag = j.tag ?? '';
          objects = (j.objects ?? '').split(',').filter(Boolean);
        } catch {
          /* ignore malformed payloads */
        }
        pending = pending ?? { database: p.database, tags: [], objects: [] };
        if (tag && !pending.tags.includes(tag)) pending.tags.push(tag);
        for (const o of objects) if (!pending.objects.includes(o)) pending.objects.push(o);
        if (timer) clearTimeout(timer);
        timer = setTimeout(flush, debounce);
      });
      await c.query(`LISTEN ${SCHEMA_CHANNEL}`);
      await lost;
    } catch (e) {
      opts.onError?.(e);
    } finally {
      await client?.end().catch(() => {});
    }
    if (!signal.aborted) await clock.sleep(opts.reconnectMs ?? 5000, signal).catch(() => {});
  }
  if (timer) {
    clearTimeout(timer);
    flush();
  }
}
