import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { byCodeUnit } from './order.js';

describe('byCodeUnit', () => {
  it('orders ISO-8601 UTC timestamps chronologically, across days, months, years and milliseconds', () => {
    const times = [
      '2026-12-31T23:59:59.999Z',
      '2026-11-27T12:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
      '2026-11-27T11:59:59.999Z',
      '2026-02-28T21:00:00.000Z',
      '2026-11-27T12:00:00.001Z',
    ];
    const sorted = [...times].sort(byCodeUnit);
    assert.deepEqual(
      sorted,
      [...times].sort((a, b) => Date.parse(a) - Date.parse(b)),
    );
    assert.equal(byCodeUnit('a', 'a'), 0);
  });

  it('orders hex ids by value', () => {
    const ids = ['0f', 'a0', '09', 'ff', '10'];
    assert.deepEqual([...ids].sort(byCodeUnit), ['09', '0f', '10', 'a0', 'ff']);
  });
});
