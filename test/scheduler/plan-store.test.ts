import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openCatalog } from '../../src/main/catalog/db.js';
import { PlanRunStore } from '../../src/main/catalog/jobs.js';
import { PlanStore } from '../../src/main/catalog/plans.js';
import { FakeClock } from '../../src/main/platform/clock.js';
import { isAppError } from '../../src/main/platform/errors.js';
import { defaultPlans } from '../../src/main/scheduler/policy.js';

describe('PlanStore (catalog, migration 051)', () => {
  const setup = () => {
    const clock = new FakeClock('2026-03-16T06:00:00Z');
    const db = openCatalog(':memory:', { clock });
    return { clock, db, plans: new PlanStore(db, () => clock.now()), runs: new PlanRunStore(db) };
  };

  it('seeds the five default plans once, and they read back equal', () => {
    const t = setup();
    assert.equal(t.plans.seedDefaults(), 5);
    assert.equal(t.plans.seedDefaults(), 0);
    const full = t.plans.require('database-full');
    const { createdAt, updatedAt, ...body } = full;
    assert.deepEqual(body, defaultPlans()[0]);
    assert.equal(createdAt, '2026-03-16T06:00:00.000Z');
    assert.equal(updatedAt, createdAt);
  });

  it('validates on write and refuses duplicate names', () => {
    const t = setup();
    t.plans.seedDefaults();
    const p = defaultPlans()[0];
    assert.ok(p);
    assert.throws(
      () => t.plans.create({ ...p, id: 'x', timeZone: 'Mars/Base' }),
      (e) => isAppError(e, 'INVALID_INPUT'),
    );
    assert.throws(
      () => t.plans.create({ ...p, id: 'copy' }),
      (e) => isAppError(e, 'ALREADY_EXISTS'),
    );
    assert.throws(
      () => t.plans.require('nope'),
      (e) => isAppError(e, 'NOT_FOUND'),
    );
  });

  it('re-enabling a plan moves its schedule start (no missed runs for the paused time)', () => {
    const t = setup();
    t.plans.seedDefaults();
    assert.equal(t.runs.lastScheduledFor('file-system')?.toISOString(), '2026-03-16T06:00:00.000Z');
    t.plans.setEnabled('file-system', false);
    t.clock.advance(10 * 86_400_000);
    const p = t.plans.setEnabled('file-system', true);
    assert.equal(p.enabled, true);
    assert.equal(t.runs.lastScheduledFor('file-system')?.toISOString(), '2026-03-26T06:00:00.000Z');
  });
});
