import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FakeClock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import { rotationStatus, slotRotationStatus } from './rotation.js';

const ROTATED = '2026-11-26T10:00:00.000Z';
const DAY = 86_400_000;
const at = (days: number, extraMs = 0): FakeClock =>
  new FakeClock(new Date(Date.parse(ROTATED) + days * DAY + extraMs));

describe('key rotation status (90-day policy)', () => {
  const table: [days: number, state: string, message: string][] = [
    [0, 'ok', 'Key rotated today; next rotation due 2027-02-24 (in 90 days)'],
    [12, 'ok', 'Key rotated 12 days ago; next rotation due 2027-02-24 (in 78 days)'],
    [79, 'ok', 'Key rotated 79 days ago; next rotation due 2027-02-24 (in 11 days)'],
    [80, 'warn', 'Key rotated 80 days ago; next rotation due 2027-02-24 (in 10 days)'],
    [89, 'warn', 'Key rotated 89 days ago; next rotation due 2027-02-24 (in 1 day)'],
    [90, 'overdue', 'Key rotated 90 days ago; rotation due today (2027-02-24)'],
    [91, 'overdue', 'Key rotated 91 days ago; rotation overdue by 1 day (was due 2027-02-24)'],
    [120, 'overdue', 'Key rotated 120 days ago; rotation overdue by 30 days (was due 2027-02-24)'],
  ];
  for (const [days, state, message] of table) {
    test(`day ${days}: ${state}`, () => {
      const s = rotationStatus({ lastRotatedAt: ROTATED, createdAt: '2020-01-01T00:00:00Z' }, at(days));
      assert.equal(s.daysSince, days);
      assert.equal(s.state, state);
      assert.equal(s.message, message);
      assert.equal(s.nextDue.toISOString(), '2027-02-24T10:00:00.000Z');
      assert.equal(s.daysUntilDue, 90 - days);
      assert.equal(s.basis, 'rotated');
    });
  }

  test('one millisecond short of day 80 is still day 79 (ok); day 80 starts exactly 80x24h later', () => {
    assert.equal(rotationStatus({ createdAt: ROTATED }, at(80, -1)).state, 'ok');
    assert.equal(rotationStatus({ createdAt: ROTATED }, at(80)).state, 'warn');
    assert.equal(rotationStatus({ createdAt: ROTATED }, at(90, -1)).state, 'warn');
    assert.equal(rotationStatus({ createdAt: ROTATED }, at(90)).state, 'overdue');
  });

  test('never rotated: counts from creation and says so', () => {
    const s = rotationStatus({ createdAt: ROTATED }, at(12));
    assert.equal(s.basis, 'created');
    assert.equal(
      s.message,
      'Key created 12 days ago and never rotated; next rotation due 2027-02-24 (in 78 days)',
    );
  });

  test('slot: params.rotatedAt wins over createdAt', () => {
    const slot = { createdAt: '2026-01-01T00:00:00.000Z', params: { keyId: 'k', rotatedAt: ROTATED } };
    assert.equal(slotRotationStatus(slot, at(5)).daysSince, 5);
    assert.equal(slotRotationStatus({ ...slot, params: { keyId: 'k' } }, at(5)).state, 'overdue');
    const record = { ...slot, rotatedAt: '2026-11-30T10:00:00.000Z' };
    assert.equal(slotRotationStatus(record, at(5)).daysSince, 1, 'a record-level rotatedAt wins');
  });

  test('a date in the future (clock skew) counts as today; a bad date is INVALID_INPUT', () => {
    assert.equal(rotationStatus({ createdAt: ROTATED }, at(-1)).daysSince, 0);
    assert.throws(
      () => rotationStatus({ createdAt: 'yesterday-ish' }, at(0)),
      (e: unknown) => e instanceof AppError && e.code === 'INVALID_INPUT',
    );
  });
});
