/** Manual backups and the snapshots in each storage target's repository. */
import { z } from 'zod';
import { Id, IsoTime, Limit, Name, SnapshotId, SnapshotPath } from './common.js';
import { defineCall } from './define.js';
import { JobStarted } from './jobs.js';

export const SnapshotKind = z.enum(['manual', 'scheduled', 'safety', 'copy']);
export const ComponentType = z.enum(['files', 'config', 'postgres', 'mariadb']);

export const Snapshot = z.object({
  id: z.string(),
  targetId: z.string(),
  time: IsoTime,
  hostname: z.string(),
  username: z.string(),
  name: z.string().optional(),
  plan: z.string().optional(),
  kind: SnapshotKind,
  tags: z.array(z.string()),
  components: z.array(z.object({ type: ComponentType, name: z.string() })),
  summary: z.object({
    files: z.number(),
    dirs: z.number(),
    bytes: z.number(),
    addedBytes: z.number(),
    storedBytes: z.number(),
    durationMs: z.number(),
  }),
});
export type Snapshot = z.infer<typeof Snapshot>;

export const TreeEntry = z.object({
  name: z.string(),
  path: z.string(),
  type: z.enum(['file', 'dir', 'symlink']),
  size: z.number().optional(),
  mtime: IsoTime.optional(),
});
export type TreeEntry = z.infer<typeof TreeEntry>;

/** What a manual backup includes; 'all' is the recommended choice. */
export const BackupSelection = z.enum(['all', 'database', 'files', 'config']);

export const snapshotsCalls = {
  'backups.start': defineCall({
    summary: 'Create a manual backup (e.g. "Pre-update backup 2024-03-16")',
    role: 'admin',
    stepUp: false,
    audit: true,
    input: z.strictObject({
      name: Name,
      select: z.array(BackupSelection).min(1),
      /** Components come from this plan's definition; default: every enabled plan's components. */
      planId: Id.optional(),
      targetId: Id,
      tags: z.array(z.string().regex(/^[A-Za-z0-9._-]{1,40}$/)).default([]),
    }),
    output: JobStarted,
  }),
  'snapshots.list': defineCall({
    summary: 'Snapshots of a storage target (cached; refresh re-reads the repository)',
    role: 'oncall',
    stepUp: false,
    audit: false,
    input: z.strictObject({
      targetId: Id,
      plan: z.string().max(120).optional(),
      kind: SnapshotKind.optional(),
      limit: Limit.default(200),
    }),
    output: z.array(Snapshot),
  }),
  'snapshots.get': defineCall({
    summary: 'One snapshot by id or unique prefix',
    role: 'oncall',
    stepUp: false,
    audit: false,
    input: z.strictObject({ targetId: Id, id: SnapshotId }),
    output: Snapshot,
  }),
  'snapshots.browse': defineCall({
    summary: 'Entries of a directory inside a snapshot',
    role: 'oncall',
    stepUp: false,
    audit: false,
    input: z.strictObject({ targetId: Id, id: SnapshotId, path: SnapshotPath.default('') }),
    output: z.array(TreeEntry),
  }),
  'snapshots.refresh': defineCall({
    summary: 'Re-read the snapshot list from the repository',
    role: 'oncall',
    stepUp: false,
    audit: false,
    input: z.strictObject({ targetId: Id }),
    output: JobStarted,
  }),
  'snapshots.delete': defineCall({
    summary: 'Delete snapshots (space is reclaimed by the next prune)',
    role: 'admin',
    stepUp: true,
    audit: true,
    input: z.strictObject({ targetId: Id, ids: z.array(SnapshotId).min(1).max(1000) }),
    output: JobStarted,
  }),
  'snapshots.check': defineCall({
    summary: 'Verify repository integrity (optionally re-read a share of the data)',
    role: 'dba',
    stepUp: false,
    audit: true,
    input: z.strictObject({ targetId: Id, readDataPercent: z.number().min(0).max(100).default(0) }),
    output: JobStarted,
  }),
};
