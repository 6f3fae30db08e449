/** Guided restores: preview, to staging (DBA), to production (administrator, step-up). */
import { z } from 'zod';
import { AbsolutePath, Id, IsoTime, SnapshotGlob, SnapshotId } from './common.js';
import { defineCall } from './define.js';
import { JobStarted } from './jobs.js';
import { Snapshot } from './snapshots.js';

export const RestoreScope = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('complete') }),
  z.strictObject({
    kind: z.literal('database'),
    components: z.array(Id).min(1),
    /** Only these tables (schema.table); empty = whole database. */
    tables: z.array(z.string().regex(/^[A-Za-z0-9_$.]{1,127}$/)).default([]),
  }),
  z.strictObject({ kind: z.literal('files'), include: z.array(SnapshotGlob).default([]) }),
  z.strictObject({ kind: z.literal('selective'), include: z.array(SnapshotGlob).min(1) }),
]);
export type RestoreScope = z.infer<typeof RestoreScope>;

export const RestoreRequest = z.strictObject({
  targetId: Id,
  snapshotId: SnapshotId,
  scope: RestoreScope,
  /** Point-in-time recovery (PostgreSQL WAL) up to this moment, for corruption. */
  pointInTime: IsoTime.optional(),
});
export type RestoreRequest = z.infer<typeof RestoreRequest>;

export const StagingDestination = z
  .strictObject({
    /** Files and config are written below this directory. */
    directory: AbsolutePath.optional(),
    /** Databases are restored into this (staging) connection profile's server. */
    profileId: Id.optional(),
  })
  .refine((d) => d.directory !== undefined || d.profileId !== undefined, {
    message: 'needs a directory or a staging connection profile',
  });

export const RestorePreview = z.object({
  snapshot: Snapshot,
  items: z.array(
    z.object({
      component: z.string(),
      type: z.string(),
      bytes: z.number().optional(),
      files: z.number().optional(),
      destination: z.string(),
      environment: z.enum(['production', 'staging', 'test']),
    }),
  ),
  warnings: z.array(z.string()),
});
export type RestorePreview = z.infer<typeof RestorePreview>;

export const restoreCalls = {
  'restore.preview': defineCall({
    summary: 'What a restore would write where (nothing is changed)',
    role: 'oncall',
    stepUp: false,
    audit: false,
    input: z.strictObject({
      request: RestoreRequest,
      destination: z.union([z.literal('production'), StagingDestination]),
    }),
    output: RestorePreview,
  }),
  'restore.toStaging': defineCall({
    summary: 'Restore into a staging directory or staging database server',
    role: 'dba',
    stepUp: false,
    audit: true,
    input: z.strictObject({ request: RestoreRequest, staging: StagingDestination }),
    output: JobStarted,
  }),
  'restore.toProduction': defineCall({
    summary: 'Restore to the original production locations (a safety snapshot is taken first)',
    role: 'admin',
    stepUp: true,
    audit: true,
    input: z.strictObject({ request: RestoreRequest, incidentId: Id.optional() }),
    output: JobStarted,
  }),
};
