/** Visits every node of a snapshot tree depth-first, with its '/'-separated path. */
import type { Repository } from '../repo/repository.js';
import type { TreeNode } from '../repo/tree.js';

export async function walkTree(
  repo: Repository,
  treeId: string,
  visit: (path: string, node: TreeNode) => void | Promise<void>,
  opts: { signal?: AbortSignal; onTree?: (id: string) => boolean; prefix?: string } = {},
): Promise<void> {
  if (opts.onTree && !opts.onTree(treeId)) return;
  const tree = await repo.loadTree(treeId, opts.signal);
  for (const n of tree.nodes) {
    const path = opts.prefix ? `${opts.prefix}/${n.name}` : n.name;
    await visit(path, n);
    if (n.type === 'dir' && n.subtree) await walkTree(repo, n.subtree, visit, { ...opts, prefix: path });
  }
}

/** Every blob id (trees and data) referenced by the given snapshots' trees. */
export async function referencedBlobs(
  repo: Repository,
  roots: string[],
  signal?: AbortSignal,
): Promise<Set<string>> {
  const used = new Set<string>();
  for (const root of roots) {
    await walkTree(
      repo,
      root,
      (_p, n) => {
        for (const id of n.content ?? []) used.add(id);
      },
      {
        signal,
        onTree: (id) => {
          if (used.has(id)) return false;
          used.add(id);
          return true;
        },
      },
    );
  }
  return used;
}
