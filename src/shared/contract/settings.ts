/**
 * Settings: storage targets (no secrets leave the keychain), storage posture, repository keys and
 * rotation, database connection profiles, contacts and escalation path, general settings.
 */
import { z } from 'zod';
import { AbsolutePath, HostName, Id, IsoTime, Name, Port, TimeZone } from './common.js';
import { defineCall, Empty, Ok, secret } from './define.js';
import { JobStarted } from './jobs.js';

// ---- storage targets --------------------------------------------------------------------------
const Bucket = z.string().regex(/^[a-z0-9][a-z0-9._-]{1,221}[a-z0-9]$/, 'must be a bucket name');
const Prefix = z
  .string()
  .regex(/^([a-z0-9][a-z0-9._-]*\/?)*$/, 'must be lower-case segments separated by "/"')
  .refine((p) => !p.split('/').includes('..'), 'must not contain ".."')
  .default('');
const Endpoint = z.url({ protocol: /^https?$/ }).optional();

export const StorageConfig = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('local'), path: AbsolutePath }),
  z.strictObject({
    kind: z.literal('s3'),
    bucket: Bucket,
    region: z.string().regex(/^[a-z0-9-]{2,32}$/, 'must be a region such as eu-west-1'),
    prefix: Prefix,
    endpoint: Endpoint,
    forcePathStyle: z.boolean().default(false),
  }),
  z.strictObject({
    kind: z.literal('gcs'),
    bucket: Bucket,
    prefix: Prefix,
    projectId: z.string().max(64).optional(),
    endpoint: Endpoint,
  }),
]);
export type StorageConfig = z.infer<typeof StorageConfig>;

/** Credentials go to the OS keychain; the catalog keeps only the entry name. */
export const StorageCredentials = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('s3'),
    accessKeyId: secret(z.string().min(1).max(256)),
    secretAccessKey: secret(z.string().min(1).max(512)),
    sessionToken: secret(z.string().max(4096)).optional(),
  }),
  z.strictObject({ kind: z.literal('gcs'), serviceAccountJson: secret(z.string().min(2).max(20_000)) }),
]);
export type StorageCredentials = z.infer<typeof StorageCredentials>;

export const StorageRole = z.enum(['primary', 'secondary', 'local']);

export const StorageTarget = z.object({
  id: z.string(),
  name: z.string(),
  role: StorageRole,
  config: StorageConfig,
  /** Where it is, for display: "s3://bucket/prefix". */
  location: z.string(),
  hasCredentials: z.boolean(),
  /** Keychain entry name holding the credentials (not the credentials). */
  credentialsEntry: z.string().optional(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export type StorageTarget = z.infer<typeof StorageTarget>;

const StorageTargetInput = z.strictObject({
  name: Name,
  role: StorageRole,
  config: StorageConfig,
  credentials: StorageCredentials.optional(),
});

// ---- posture ----------------------------------------------------------------------------------
export const PostureCheck = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(['ok', 'warning', 'failed', 'unknown']),
  detail: z.string(),
  hint: z.string().optional(),
});
export const TargetPosture = z.object({
  targetId: z.string(),
  checkedAt: IsoTime,
  checks: z.array(PostureCheck),
});
export type TargetPosture = z.infer<typeof TargetPosture>;

// ---- keys -------------------------------------------------------------------------------------
export const KeySlot = z.object({
  id: z.string(),
  type: z.enum(['keychain', 'passphrase', 'recovery', 'kms']),
  createdAt: IsoTime,
  /** KMS key id/ARN or keychain entry name: never key material. */
  reference: z.string().optional(),
});
export const KeyStatus = z.object({
  targetId: z.string(),
  repositoryId: z.string().optional(),
  initialized: z.boolean(),
  slots: z.array(KeySlot),
  lastRotationAt: IsoTime.optional(),
  /** 90 days after the last rotation. */
  nextRotationDue: IsoTime.optional(),
  rotationOverdue: z.boolean(),
});
export type KeyStatus = z.infer<typeof KeyStatus>;

export const NewSlot = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('kms'), kmsKeyId: z.string().min(1).max(2048) }),
  z.strictObject({ type: z.literal('keychain') }),
  z.strictObject({ type: z.literal('passphrase'), passphrase: secret(z.string().min(12).max(1024)) }),
  z.strictObject({ type: z.literal('recovery') }),
]);
export type NewSlot = z.infer<typeof NewSlot>;

// ---- connection profiles ----------------------------------------------------------------------
export const ConnectionProfileFields = z.strictObject({
  name: Name,
  kind: z.enum(['postgres', 'mariadb']),
  host: HostName,
  port: Port,
  database: z.string().min(1).max(63),
  user: z.string().min(1).max(63),
  tls: z.enum(['disable', 'prefer', 'require', 'verify-ca', 'verify-full']).default('prefer'),
  environment: z.enum(['production', 'staging', 'test']),
});
export const ConnectionProfile = ConnectionProfileFields.extend({
  id: z.string(),
  hasPassword: z.boolean(),
  passwordEntry: z.string().optional(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export type ConnectionProfile = z.infer<typeof ConnectionProfile>;

// ---- contacts and escalation ------------------------------------------------------------------
export const Contact = z.object({
  id: z.string(),
  role: z.string(),
  name: z.string(),
  email: z.string(),
  phone: z.string(),
  notes: z.string(),
});
export type Contact = z.infer<typeof Contact>;
const ContactFields = z.strictObject({
  role: Name,
  name: z.string().max(120).default(''),
  email: z.union([z.email(), z.literal('')]).default(''),
  phone: z.string().max(60).default(''),
  notes: z.string().max(2000).default(''),
});
export const EscalationStep = z.object({
  order: z.number().int(),
  title: z.string(),
  contactId: z.string().optional(),
});

// ---- general settings -------------------------------------------------------------------------
export const GeneralSettings = z.object({
  organisation: z.string().max(120),
  /** Time zone schedules are shown in (procedures use EAT). */
  timeZone: TimeZone,
  idleTimeoutMinutes: z.number().int().min(5).max(240),
  approvalValidityMinutes: z.number().int().min(5).max(240),
  keyRotationDays: z.number().int().min(1).max(365),
});
export type GeneralSettings = z.infer<typeof GeneralSettings>;

const admin = { role: 'admin', audit: true } as const;

export const settingsCalls = {
  'storage.list': defineCall({
    summary: 'Storage targets',
    role: 'oncall',
    stepUp: false,
    audit: false,
    input: Empty,
    output: z.array(StorageTarget),
  }),
  'storage.create': defineCall({
    summary: 'Add a storage target; credentials go to the OS keychain',
    ...admin,
    stepUp: true,
    input: StorageTargetInput,
    output: StorageTarget,
  }),
  'storage.update': defineCall({
    summary: 'Change a storage target',
    ...admin,
    stepUp: true,
    input: z.strictObject({ id: Id, target: StorageTargetInput }),
    output: StorageTarget,
  }),
  'storage.delete': defineCall({
    summary: 'Forget a storage target (its data stays in the bucket)',
    ...admin,
    stepUp: true,
    input: z.strictObject({ id: Id }),
    output: Ok,
  }),
  'storage.test': defineCall({
    summary: 'Try to reach a storage target',
    ...admin,
    stepUp: false,
    input: z.strictObject({ id: Id }),
    output: z.object({ ok: z.boolean(), latencyMs: z.number(), message: z.string() }),
  }),
  'posture.get': defineCall({
    summary: 'Storage posture checks (versioning, encryption, replication, access)',
    role: 'oncall',
    stepUp: false,
    audit: false,
    input: z.strictObject({ targetId: Id.optional() }),
    output: z.array(TargetPosture),
  }),
  'keys.status': defineCall({
    summary: 'Key slots and rotation status per repository',
    role: 'oncall',
    stepUp: false,
    audit: false,
    input: Empty,
    output: z.array(KeyStatus),
  }),
  'keys.initRepository': defineCall({
    summary: 'Create the encrypted repository on a target; reveals the recovery key once',
    ...admin,
    stepUp: true,
    input: z.strictObject({ targetId: Id, kmsKeyId: z.string().max(2048).optional() }),
    output: z.object({ repositoryId: z.string(), recoveryKey: secret(z.string()) }),
  }),
  'keys.rotate': defineCall({
    summary: 'Rotate the key-encryption keys (re-wrap) and record it',
    ...admin,
    stepUp: true,
    input: z.strictObject({ targetId: Id }),
    output: JobStarted,
  }),
  'keys.addSlot': defineCall({
    summary: 'Add a key slot (a recovery slot reveals its key once)',
    ...admin,
    stepUp: true,
    input: z.strictObject({ targetId: Id, slot: NewSlot }),
    output: z.object({ slotId: z.string(), revealOnce: secret(z.string()).optional() }),
  }),
  'keys.removeSlot': defineCall({
    summary: 'Remove a key slot (never the last)',
    ...admin,
    stepUp: true,
    input: z.strictObject({ targetId: Id, slotId: Id }),
    output: Ok,
  }),
  'profiles.list': defineCall({
    summary: 'Database connection profiles (no passwords)',
    role: 'oncall',
    stepUp: false,
    audit: false,
    input: Empty,
    output: z.array(ConnectionProfile),
  }),
  'profiles.create': defineCall({
    summary: 'Add a connection profile; the password goes to the OS keychain',
    ...admin,
    stepUp: true,
    input: z.strictObject({
      profile: ConnectionProfileFields,
      password: secret(z.string().max(1024)).optional(),
    }),
    output: ConnectionProfile,
  }),
  'profiles.update': defineCall({
    summary: 'Change a connection profile (password unchanged unless given)',
    ...admin,
    stepUp: true,
    input: z.strictObject({
      id: Id,
      profile: ConnectionProfileFields,
      password: secret(z.string().max(1024)).optional(),
      clearPassword: z.boolean().default(false),
    }),
    output: ConnectionProfile,
  }),
  'profiles.delete': defineCall({
    summary: 'Delete a connection profile and its keychain entry',
    ...admin,
    stepUp: true,
    input: z.strictObject({ id: Id }),
    output: Ok,
  }),
  'profiles.test': defineCall({
    summary: 'Connect with a profile and report the server version',
    role: 'dba',
    stepUp: false,
    audit: true,
    input: z.strictObject({ id: Id }),
    output: z.object({ ok: z.boolean(), serverVersion: z.string().optional(), message: z.string() }),
  }),
  'contacts.list': defineCall({
    summary: 'Contacts and the escalation path',
    role: 'oncall',
    stepUp: false,
    audit: false,
    input: Empty,
    output: z.object({ contacts: z.array(Contact), escalation: z.array(EscalationStep) }),
  }),
  'contacts.upsert': defineCall({
    summary: 'Add or change a contact',
    ...admin,
    stepUp: false,
    input: z.strictObject({ id: Id.optional(), contact: ContactFields }),
    output: Contact,
  }),
  'contacts.delete': defineCall({
    summary: 'Delete a contact',
    ...admin,
    stepUp: false,
    input: z.strictObject({ id: Id }),
    output: Ok,
  }),
  'contacts.setEscalation': defineCall({
    summary: 'Replace the escalation path',
    ...admin,
    stepUp: false,
    input: z.strictObject({
      steps: z
        .array(z.strictObject({ title: Name, contactId: Id.optional() }))
        .min(1)
        .max(20),
    }),
    output: z.array(EscalationStep),
  }),
  'settings.get': defineCall({
    summary: 'General settings',
    role: 'any',
    stepUp: false,
    audit: false,
    input: Empty,
    output: GeneralSettings,
  }),
  'settings.update': defineCall({
    summary: 'Change general settings',
    ...admin,
    stepUp: false,
    input: GeneralSettings.partial().strict(),
    output: GeneralSettings,
  }),
};
