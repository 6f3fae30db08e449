import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Total size of regular files below a directory. */
export async function dirSize(root: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(root, { withFileTypes: true })) {
    const p = join(root, e.name);
    if (e.isDirectory()) total += await dirSize(p);
    else if (e.isFile()) total += (await stat(p)).size;
  }
  return total;
}
