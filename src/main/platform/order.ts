/**
 * Ordering of machine-made strings (ISO-8601 UTC timestamps, hex ids) by UTF-16 code unit, which is
 * their chronological / numeric order. Not `localeCompare`: its first call builds an ICU collator
 * (~15 ms here), which lands on the start-up path of every command that lists key slots or snapshots,
 * and a locale's rules are not what these strings mean.
 */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
