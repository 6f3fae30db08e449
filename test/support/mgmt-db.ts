/**
 * Test database generator (test support, not a double): builds, in a fresh uniquely named database
 * on the real PostgreSQL / MariaDB servers, a small but realistic consultancy management system —
 * clients, contacts, projects, members, invoices (partitioned by year in PostgreSQL), lines,
 * payments, users, documents, audit events; views, functions, triggers, advanced sequences,
 * comments, non-ASCII text, a table without a primary key — filled with a few MB of rows from a
 * deterministic PRNG. `dropPg`/`dropMaria` remove test databases.
 */
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { DbProfile } from '../../src/main/sources/profile.js';
import { MARIA_SCHEMA, PG_SCHEMA } from './mgmt-schema.js';

export const PG_HOST = process.env.PGHOST_TEST ?? '127.0.0.1';
export const PG_PORT = Number(process.env.PGPORT_TEST ?? 5432);
export const MARIA_HOST = process.env.MARIA_HOST_TEST ?? '127.0.0.1';
export const MARIA_PORT = Number(process.env.MARIA_PORT_TEST ?? 3306);

export function uniqueDbName(prefix = 'mvono_t'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

export function pgProfile(database: string, over: Partial<DbProfile> = {}): DbProfile {
  return {
    name: `pg-${database}`,
    kind: 'postgres',
    host: PG_HOST,
    port: PG_PORT,
    database,
    user: 'postgres',
    tls: 'disable',
    environment: 'test',
    ...over,
  };
}

export function mariaProfile(database: string, over: Partial<DbProfile> = {}): DbProfile {
  return {
    name: `maria-${database}`,
    kind: 'mariadb',
    host: MARIA_HOST,
    port: MARIA_PORT,
    database,
    user: 'root',
    tls: 'disable',
    environment: 'test',
    ...over,
  };
}

/** mulberry32: small deterministic PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  'Amani',
  'Zoë',
  'Wanjiru',
  'Otieno',
  'Jürgen',
  'Fatuma',
  'Kipchoge',
  'Achieng',
  'Renée',
  'Baraka',
  'Njeri',
  'Søren',
];
const LAST = [
  'Müller',
  'Mwangi',
  'Odhiambo',
  'Kamau',
  'Çelik',
  'Wambui',
  'Nyong’o',
  'García',
  'Kiprono',
  'Hassan',
];
const ORGS = [
  'Mvono Wakandarasi — Ushauri',
  'Nairobi ☕ Roasters',
  'Kilimo Bora Ltd',
  'Ujenzi & Söhne',
  'Maji Safi Trust',
  'Pwani Logistics 🚚',
  'Café Ñandú',
];
const CITIES = ['Nairobi', 'Mombasa', 'Kisumu', 'Nakuru', 'Eldoret', 'Arusha', 'Kampala', 'Zürich'];
const WORDS = [
  'ushauri',
  'ujenzi',
  'design',
  'survey',
  'audit',
  'mradi',
  'ripoti',
  'training',
  'mafunzo',
  'review',
  'ukaguzi',
];

export interface GenSizes {
  users: number;
  clients: number;
  projects: number;
  invoices: number;
  linesPerInvoice: number;
  documents: number;
  rates: number;
}

export const DEFAULT_SIZES: GenSizes = {
  users: 120,
  clients: 400,
  projects: 1200,
  invoices: 5000,
  linesPerInvoice: 3,
  documents: 3000,
  rates: 2000,
};

interface Gen {
  users: unknown[][];
  clients: unknown[][];
  contacts: unknown[][];
  projects: unknown[][];
  members: unknown[][];
  invoices: unknown[][];
  lines: unknown[][];
  payments: unknown[][];
  documents: unknown[][];
  rates: unknown[][];
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Generates every row from one seed; both servers get the same data. */
export function generate(sizes: GenSizes = DEFAULT_SIZES, seed = 20240316): Gen {
  const r = prng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const date = (y: number) => `${y}-${pad(int(1, 12))}-${pad(int(1, 28))}`;
  const ts = (y: number) => `${date(y)} ${pad(int(0, 23))}:${pad(int(0, 59))}:${pad(int(0, 59))}`;
  const person = () => `${pick(FIRST)} ${pick(LAST)}`;
  const g: Gen = {
    users: [],
    clients: [],
    contacts: [],
    projects: [],
    members: [],
    invoices: [],
    lines: [],
    payments: [],
    documents: [],
    rates: [],
  };
  for (let i = 1; i <= sizes.users; i++) {
    g.users.push([
      i,
      `user${i}@mvonoconsultants.com`,
      person(),
      pick(['admin', 'consultant', 'finance']),
      ts(2021),
    ]);
  }
  for (let i = 1; i <= sizes.clients; i++) {
    const note =
      r() < 0.3 ? null : `Mteja wa ${pick(CITIES)}: ${pick(WORDS)} ${pick(WORDS)} — “${pick(ORGS)}”`;
    g.clients.push([
      i,
      `${pick(ORGS)} #${i}`,
      pick(['KE', 'TZ', 'UG', 'CH', 'DE']),
      pick(CITIES),
      `P0${int(10000000, 99999999)}X`,
      ts(2021),
      note,
    ]);
    for (let k = 0; k < int(1, 4); k++) {
      g.contacts.push([
        g.contacts.length + 1,
        i,
        person(),
        `c${g.contacts.length + 1}@example.co.ke`,
        `+2547${int(10000000, 99999999)}`,
        k === 0,
      ]);
    }
  }
  for (let i = 1; i <= sizes.projects; i++) {
    const y = int(2021, 2025);
    g.projects.push([
      i,
      int(1, sizes.clients),
      `MV-${y}-${pad(i, 5)}`,
      `${pick(WORDS)} ${pick(WORDS)} ${pick(CITIES)}`,
      pick(['proposal', 'active', 'on_hold', 'closed']),
      (int(1000, 900000) / 1).toFixed(2),
      date(y),
      r() < 0.5 ? null : date(y + 1),
    ]);
    const seen = new Set<number>();
    for (let k = 0; k < int(1, 5); k++) {
      const u = int(1, sizes.users);
      if (seen.has(u)) continue;
      seen.add(u);
      g.members.push([i, u, pick(['lead', 'engineer', 'reviewer']), (int(2000, 25000) / 100).toFixed(2)]);
    }
  }
  let line = 0;
  for (let i = 1; i <= sizes.invoices; i++) {
    const y = int(2022, 2025);
    const issued = date(y);
    const p = int(1, sizes.projects);
    const client = g.projects[p - 1]?.[1] ?? 1;
    let total = 0;
    for (let k = 0; k < sizes.linesPerInvoice; k++) {
      const q = int(1, 40);
      const price = int(500, 50000);
      total += q * price;
      g.lines.push([
        ++line,
        i,
        issued,
        `${pick(WORDS)} — ${pick(WORDS)} (${pick(CITIES)})`,
        q.toFixed(2),
        price.toFixed(2),
        '16.00',
      ]);
    }
    g.invoices.push([
      i,
      issued,
      client,
      p,
      `INV-${y}-${pad(i, 6)}`,
      pick(['KES', 'USD', 'EUR']),
      total.toFixed(2),
      pick(['draft', 'sent', 'paid', 'void']),
    ]);
    if (r() < 0.7)
      g.payments.push([
        g.payments.length + 1,
        i,
        issued,
        `${issued} 12:00:00+03`,
        total.toFixed(2),
        pick(['mpesa', 'bank', 'card']),
        `REF${int(100000, 999999)}`,
      ]);
  }
  for (let i = 1; i <= sizes.documents; i++) {
    const h = Array.from({ length: 32 }, () => int(0, 255).toString(16).padStart(2, '0')).join('');
    const meta = {
      pages: int(1, 200),
      lang: pick(['sw', 'en', 'de']),
      title: `${pick(WORDS)} ${pick(ORGS)}`,
    };
    g.documents.push([
      i,
      int(1, sizes.projects),
      `ripoti_${i}_${pick(WORDS)}.pdf`,
      pick(['application/pdf', 'image/png', 'text/csv']),
      int(1000, 9000000),
      h,
      int(1, sizes.users),
      ts(2024),
      [pick(WORDS), pick(WORDS)],
      meta,
    ]);
  }
  for (let i = 0; i < sizes.rates; i++) {
    g.rates.push([
      pick(['USD', 'EUR', 'TZS', 'UGX']),
      date(int(2022, 2025)),
      (int(1000, 20000000) / 10000).toFixed(6),
    ]);
  }
  return g;
}

// ---------- PostgreSQL ----------

function pgLit(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return `ARRAY[${v.map(pgLit).join(',')}]::text[]`;
  if (typeof v === 'object') return `${pgLit(JSON.stringify(v))}::jsonb`;
  return `'${String(v).replace(/'/g, "''")}'`;
}

async function pgInsert(
  c: pg.Client,
  table: string,
  cols: string,
  rows: unknown[][],
  map?: (row: unknown[]) => string[],
) {
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000).map((row) => `(${(map ? map(row) : row.map(pgLit)).join(',')})`);
    await c.query(`INSERT INTO ${table} (${cols}) VALUES ${chunk.join(',')}`);
  }
}

export async function pgAdmin(): Promise<pg.Client> {
  const c = new pg.Client({ host: PG_HOST, port: PG_PORT, user: 'postgres', database: 'postgres' });
  await c.connect();
  return c;
}

export async function dropPg(...names: string[]): Promise<void> {
  const c = await pgAdmin();
  try {
    for (const n of names) await c.query(`DROP DATABASE IF EXISTS "${n}" WITH (FORCE)`);
  } finally {
    await c.end();
  }
}

export async function createPgDb(name: string): Promise<void> {
  const c = await pgAdmin();
  try {
    await c.query(`CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8'`);
  } finally {
    await c.end();
  }
}

export async function withPgDb<T>(database: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ host: PG_HOST, port: PG_PORT, user: 'postgres', database });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Creates database `name` and fills it. Returns its profile. */
export async function buildPgMgmtDb(name = uniqueDbName(), sizes = DEFAULT_SIZES): Promise<DbProfile> {
  await createPgDb(name);
  const g = generate(sizes);
  await withPgDb(name, async (c) => {
    await c.query(PG_SCHEMA);
    await pgInsert(c, 'users', 'id, email, full_name, role, created_at', g.users);
    await pgInsert(c, 'clients', 'id, name, country, city, kra_pin, created_at, notes', g.clients);
    await pgInsert(c, 'contacts', 'id, client_id, full_name, email, phone, is_primary', g.contacts);
    await pgInsert(
      c,
      'projects',
      'id, client_id, code, title, status, budget, starts_on, ends_on',
      g.projects,
    );
    await pgInsert(c, 'project_members', 'project_id, user_id, role, hourly_rate', g.members);
    await pgInsert(
      c,
      'invoices',
      'id, issued_on, client_id, project_id, number, currency, total, status',
      g.invoices,
    );
    await pgInsert(
      c,
      'invoice_lines',
      'id, invoice_id, invoice_issued_on, description, quantity, unit_price, vat_rate',
      g.lines,
    );
    await pgInsert(
      c,
      'payments',
      'id, invoice_id, invoice_issued_on, paid_at, amount, method, reference',
      g.payments,
    );
    await pgInsert(
      c,
      'documents',
      'id, project_id, file_name, mime_type, size_bytes, sha256, uploaded_by, uploaded_at, tags, metadata',
      g.documents,
      (row) =>
        row.map((v, i) => (i === 0 ? `md5('doc${v}')::uuid` : i === 5 ? `'\\x${v}'::bytea` : pgLit(v))),
    );
    await pgInsert(c, 'exchange_rates', 'currency, rate_date, rate', g.rates);
    // Sequences past the loaded ids, some well beyond (as after deleted rows / many years of use).
    await c.query(`
      SELECT setval('users_id_seq', 5000), setval('clients_id_seq', 10000), setval('contacts_id_seq', (SELECT max(id) FROM contacts)),
             setval('projects_id_seq', 20000), setval('invoices_id_seq', 90000), setval('invoice_lines_id_seq', (SELECT max(id) FROM invoice_lines)),
             setval('payments_id_seq', (SELECT max(id) FROM payments) + 17), setval('invoice_number_seq', 424242);
      ANALYZE;`);
  });
  return pgProfile(name);
}

// ---------- MariaDB ----------

export async function mariaAdmin(database?: string): Promise<mysql.Connection> {
  return mysql.createConnection({
    host: MARIA_HOST,
    port: MARIA_PORT,
    user: 'root',
    charset: 'utf8mb4',
    multipleStatements: true,
    dateStrings: true,
    ...(database ? { database } : {}),
  });
}

export async function dropMaria(...names: string[]): Promise<void> {
  const c = await mariaAdmin();
  try {
    for (const n of names) await c.query(`DROP DATABASE IF EXISTS \`${n}\``);
  } finally {
    await c.end();
  }
}

async function mariaInsert(c: mysql.Connection, table: string, cols: string, rows: unknown[][]) {
  for (let i = 0; i < rows.length; i += 1000) {
    await c.query(`INSERT INTO ${table} (${cols}) VALUES ?`, [rows.slice(i, i + 1000)]);
  }
}

export async function buildMariaMgmtDb(name = uniqueDbName(), sizes = DEFAULT_SIZES): Promise<DbProfile> {
  const admin = await mariaAdmin();
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  const g = generate(sizes);
  const c = await mariaAdmin(name);
  try {
    await c.query(MARIA_SCHEMA);
    await mariaInsert(c, 'users', 'id, email, full_name, role, created_at', g.users);
    await mariaInsert(c, 'clients', 'id, name, country, city, kra_pin, created_at, notes', g.clients);
    await mariaInsert(c, 'contacts', 'id, client_id, full_name, email, phone, is_primary', g.contacts);
    await mariaInsert(
      c,
      'projects',
      'id, client_id, code, title, status, budget, starts_on, ends_on',
      g.projects,
    );
    await mariaInsert(
      c,
      'invoices',
      'id, issued_on, client_id, project_id, number, currency, total, status',
      g.invoices,
    );
    await mariaInsert(
      c,
      'invoice_lines',
      'id, invoice_id, invoice_issued_on, description, quantity, unit_price, vat_rate',
      g.lines,
    );
    await mariaInsert(
      c,
      'payments',
      'id, invoice_id, invoice_issued_on, paid_at, amount, method, reference',
      g.payments.map((p) => p.map((v, i) => (i === 3 ? String(v).replace('+03', '') : v))),
    );
    await mariaInsert(
      c,
      'documents',
      'id, project_id, file_name, mime_type, size_bytes, sha256, uploaded_by, uploaded_at, tags, metadata',
      g.documents.map((d) =>
        d.map((v, i) =>
          i === 5 ? Buffer.from(String(v), 'hex') : i === 8 || i === 9 ? JSON.stringify(v) : v,
        ),
      ),
    );
    await mariaInsert(c, 'exchange_rates', 'currency, rate_date, rate', g.rates);
    await c.query('ALTER TABLE clients AUTO_INCREMENT = 10000');
  } finally {
    await c.end();
  }
  return mariaProfile(name);
}
