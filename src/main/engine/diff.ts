/** diff(): what changed between two snapshots, by path. */
import type { Repository } from '../repo/repository.js';
import type { TreeNode } from '../repo/tree.js';

export interface DiffEntry {
  change: '+' | '-' | 'M' | 'T';
  path: string;
}

function sameContent(a: TreeNode, b: TreeNode): boolean {
  if (a.type !== b.type) return false;
  if (a.type === 'symlink') return a.linkTarget === b.linkTarget;
  return (a.content ?? []).join() === (b.content ?? []).join() && a.size === b.size;
}

export async function diff(
  repo: Repository,
  treeA: string | undefined,
  treeB: string | undefined,
  prefix = '',
): Promise<DiffEntry[]> {
  if (treeA === treeB) return [];
  const a = treeA ? (await repo.loadTree(treeA)).nodes : [];
  const b = treeB ? (await repo.loadTree(treeB)).nodes : [];
  const ma = new Map(a.map((n) => [n.name, n]));
  const mb = new Map(b.map((n) => [n.name, n]));
  const out: DiffEntry[] = [];
  const names = [...new Set([...ma.keys(), ...mb.keys()])].sort();
  for (const name of names) {
    const x = ma.get(name);
    const y = mb.get(name);
    const path = `${prefix}/${name}`;
    if (x?.type === 'dir' || y?.type === 'dir') {
      if (x && y && x.type !== y.type) out.push({ change: 'T', path });
      if (!x) out.push({ change: '+', path: `${path}/` });
      if (!y) out.push({ change: '-', path: `${path}/` });
      out.push(
        ...(await diff(
          repo,
          x?.type === 'dir' ? x.subtree : undefined,
          y?.type === 'dir' ? y.subtree : undefined,
          path,
        )),
      );
    } else if (!x) out.push({ change: '+', path });
    else if (!y) out.push({ change: '-', path });
    else if (!sameContent(x, y)) out.push({ change: 'M', path });
  }
  return out;
}
