/**
 * Posture checks: read-only inspections of a bucket's protection settings (versioning, locks,
 * encryption, replication, access), shown in the console beside the repository.
 */
export type PostureStatus = 'pass' | 'warn' | 'fail' | 'unknown';

export interface PostureRule {
  id: string;
  title: string;
  status: PostureStatus;
  /** What was found (names of keys, buckets, regions; never secrets). */
  detail: string;
  /** What to do to reach 'pass' (empty when passing). */
  fix: string;
}

export function rule(
  id: string,
  title: string,
  status: PostureStatus,
  detail: string,
  fix = '',
): PostureRule {
  return { id, title, status, detail, fix: status === 'pass' ? '' : fix };
}
