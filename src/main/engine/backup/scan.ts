/** A quick metadata-only pass so progress can show totals and an ETA. */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export async function scanTotals(
  paths: string[],
  signal?: AbortSignal,
): Promise<{ bytes: number; files: number }> {
  let bytes = 0;
  let files = 0;
  const walk = async (p: string): Promise<void> => {
    if (signal?.aborted) return;
    let st: Awaited<ReturnType<typeof lstat>>;
    try {
      st = await lstat(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      let names: string[] = [];
      try {
        names = await readdir(p);
      } catch {
        return;
      }
      for (const n of names) await walk(join(p, n));
    } else if (st.isFile()) {
      files++;
      bytes += st.size;
    }
  };
  for (const p of paths) await walk(p);
  return { bytes, files };
}
