/** Walks a snapshot tree and lists what a restore must create, filtered by include globs. */
import type { Repository } from '../../repo/repository.js';
import type { TreeNode } from '../../repo/tree.js';
import { makeMatcher, mayContain } from './glob.js';

export interface PlannedEntry {
  /** Path relative to the restore target, '/'-separated. */
  path: string;
  node: TreeNode;
}

export interface RestorePlan {
  dirs: PlannedEntry[];
  files: PlannedEntry[];
  links: PlannedEntry[];
  bytes: number;
}

export async function planRestore(
  repo: Repository,
  rootTree: string,
  include: string[] | undefined,
  signal?: AbortSignal,
): Promise<RestorePlan> {
  const plan: RestorePlan = { dirs: [], files: [], links: [], bytes: 0 };
  const matches = makeMatcher(include);
  const walk = async (treeId: string, prefix: string): Promise<boolean> => {
    const tree = await repo.loadTree(treeId, signal);
    let any = false;
    for (const node of tree.nodes) {
      const path = prefix ? `${prefix}/${node.name}` : node.name;
      if (node.type === 'dir') {
        if (!mayContain(include, path) && !matches(path)) continue;
        const idx = plan.dirs.length;
        plan.dirs.push({ path, node });
        const inner = node.subtree ? await walk(node.subtree, path) : false;
        if (!inner && !matches(path)) plan.dirs.splice(idx, 1);
        else any = true;
      } else if (matches(path)) {
        any = true;
        if (node.type === 'file') {
          plan.files.push({ path, node });
          plan.bytes += node.size ?? 0;
        } else if (node.type === 'symlink') plan.links.push({ path, node });
      }
    }
    return any;
  };
  await walk(rootTree, '');
  return plan;
}
