/**
 * Walks a snapshot tree and lists what a restore must create, filtered by include globs.
 * Subtrees are loaded concurrently (bounded): on a cloud bucket every tree is a round trip.
 */
import type { Repository } from '../../repo/repository.js';
import type { TreeNode } from '../../repo/tree.js';
import { makeMatcher, mayContain } from './glob.js';

export interface PlannedEntry {
  /** Path relative to the restore target, '/'-separated. */
  path: string;
  node: TreeNode;
}

export interface RestorePlan {
  /** Parents before their children. */
  dirs: PlannedEntry[];
  files: PlannedEntry[];
  links: PlannedEntry[];
  bytes: number;
}

const TREE_LOADS = 16;

export async function planRestore(
  repo: Repository,
  rootTree: string,
  include: string[] | undefined,
  signal?: AbortSignal,
): Promise<RestorePlan> {
  const matches = makeMatcher(include);
  let active = 0;
  const waiting: (() => void)[] = [];
  const loadTree = async (id: string) => {
    while (active >= TREE_LOADS) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await repo.loadTree(id, signal);
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
  interface Walked {
    dirs: PlannedEntry[];
    files: PlannedEntry[];
    links: PlannedEntry[];
    any: boolean;
  }
  const walk = async (treeId: string, prefix: string): Promise<Walked> => {
    const tree = await loadTree(treeId);
    const out: Walked = { dirs: [], files: [], links: [], any: false };
    const parts = await Promise.all(
      tree.nodes.map(async (node): Promise<Walked | undefined> => {
        const path = prefix ? `${prefix}/${node.name}` : node.name;
        if (node.type === 'dir') {
          if (!mayContain(include, path) && !matches(path)) return undefined;
          const inner = node.subtree ? await walk(node.subtree, path) : undefined;
          if (!inner?.any && !matches(path)) return undefined;
          const dirs: PlannedEntry[] = [{ path, node }];
          for (const d of inner?.dirs ?? []) dirs.push(d);
          return {
            dirs,
            files: inner?.files ?? [],
            links: inner?.links ?? [],
            any: true,
          };
        }
        if (!matches(path)) return undefined;
        if (node.type === 'file') return { dirs: [], files: [{ path, node }], links: [], any: true };
        if (node.type === 'symlink') return { dirs: [], files: [], links: [{ path, node }], any: true };
        return undefined;
      }),
    );
    for (const p of parts) {
      if (!p) continue;
      out.any = true;
      // loops, not push(...spread): a directory can hold more entries than a call has arguments
      for (const x of p.dirs) out.dirs.push(x);
      for (const x of p.files) out.files.push(x);
      for (const x of p.links) out.links.push(x);
    }
    return out;
  };
  const w = await walk(rootTree, '');
  return {
    dirs: w.dirs,
    files: w.files,
    links: w.links,
    bytes: w.files.reduce((s, f) => s + (f.node.size ?? 0), 0),
  };
}
