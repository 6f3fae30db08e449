/**
 * What the host's handlers call for engine work. The lead (repo/engine) and the scheduler helper
 * (plans, jobs) implement these; the composition root passes them to createHost(). A port that is
 * not wired answers CONFIG "not available". Inputs are the contract's parsed inputs, outputs its
 * outputs, so the contract stays the single source of types.
 */
import type {
  CallOutput,
  CallParsedInput,
  KeyStatus,
  Plan,
  PlanInput,
  RestorePreview,
  RestoreRequest,
  Role,
  Snapshot,
  StorageCredentials,
  StorageTarget,
  TargetPosture,
  TreeEntry,
} from '../../shared/contract/index.js';
import type { Job, JobLogLine } from '../../shared/contract/jobs.js';
import type { DbAuth, DbProfile } from '../sources/profile.js';
import type { Storage } from '../storage/port.js';

/** Who asked: a signed-in user, or the scheduler (username "scheduler", role "admin"). */
export interface Actor {
  userId: string;
  username: string;
  role: Role;
}

export interface Started {
  jobId: string;
}

export interface PlanService {
  list(): Promise<Plan[]>;
  get(id: string): Promise<Plan>; // NOT_FOUND
  create(input: PlanInput, actor: Actor): Promise<Plan>;
  update(id: string, input: PlanInput, actor: Actor): Promise<Plan>;
  setEnabled(id: string, enabled: boolean, actor: Actor): Promise<Plan>;
  delete(id: string, actor: Actor): Promise<void>;
  runNow(id: string, actor: Actor): Promise<Started>;
  /** Next `count` run times (ISO UTC) of a cron in a time zone. */
  previewSchedule(schedule: PlanInput['schedule'], count: number): Promise<string[]>;
}

export interface JobService {
  list(filter: CallParsedInput<'jobs.list'>): Promise<Job[]>;
  get(id: string): Promise<Job>;
  log(id: string, afterSeq: number, limit: number): Promise<JobLogLine[]>;
  cancel(id: string, actor: Actor): Promise<Job>;
}

export interface BackupService {
  startManual(input: CallParsedInput<'backups.start'>, actor: Actor): Promise<Started>;
}

export interface SnapshotService {
  list(query: CallParsedInput<'snapshots.list'>): Promise<Snapshot[]>;
  get(targetId: string, idOrPrefix: string): Promise<Snapshot>;
  /** `path` is validated (relative, no ".."); entries of that directory. */
  browse(targetId: string, idOrPrefix: string, path: string): Promise<TreeEntry[]>;
  refresh(targetId: string, actor: Actor): Promise<Started>;
  delete(targetId: string, ids: string[], actor: Actor): Promise<Started>;
  check(targetId: string, readDataPercent: number, actor: Actor): Promise<Started>;
}

export interface RestoreService {
  preview(input: CallParsedInput<'restore.preview'>): Promise<RestorePreview>;
  toStaging(input: CallParsedInput<'restore.toStaging'>, actor: Actor): Promise<Started>;
  /**
   * Restore to production. The host has already checked role, step-up and, for emergencies,
   * the administrator's approval (`approval` names it); the service takes a safety snapshot first.
   */
  toProduction(
    request: RestoreRequest,
    ctx: { incidentId?: string; approval?: { requestId: string; approvedBy: string } },
    actor: Actor,
  ): Promise<Started>;
  runTest(input: CallParsedInput<'restoreTests.run'>, actor: Actor): Promise<Started>;
}

export interface KeyService {
  status(): Promise<KeyStatus[]>;
  initRepository(
    targetId: string,
    kmsKeyId: string | undefined,
    actor: Actor,
  ): Promise<CallOutput<'keys.initRepository'>>;
  rotate(targetId: string, actor: Actor): Promise<Started>;
  addSlot(input: CallParsedInput<'keys.addSlot'>, actor: Actor): Promise<CallOutput<'keys.addSlot'>>;
  removeSlot(targetId: string, slotId: string, actor: Actor): Promise<void>;
}

export interface PostureService {
  get(targetId?: string): Promise<TargetPosture[]>;
}

/** Builds a Storage for a target (storage adapters helper). Credentials come from the keychain. */
export interface StorageOpener {
  open(target: StorageTarget, credentials: StorageCredentials | undefined): Promise<Storage>;
}

/** Database sources (DB sources helper). */
export interface SourceService {
  testConnection(profile: DbProfile, auth: DbAuth): Promise<{ serverVersion: string }>;
}

export interface Ports {
  plans?: PlanService;
  jobs?: JobService;
  backups?: BackupService;
  snapshots?: SnapshotService;
  restore?: RestoreService;
  keys?: KeyService;
  posture?: PostureService;
  storage?: StorageOpener;
  sources?: SourceService;
}
