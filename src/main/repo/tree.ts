/**
 * Trees: one directory's entries, sorted by name, stored as a blob (type Tree) of canonical JSON.
 * Identical directories therefore dedup like data. Times are kept as nanosecond strings.
 */
export type NodeType = 'file' | 'dir' | 'symlink';

export interface TreeNode {
  name: string;
  type: NodeType;
  mode: number;
  mtimeNs: string;
  ctimeNs?: string;
  inode?: string;
  dev?: string;
  size?: number;
  uid?: number;
  gid?: number;
  /** Data blob ids in order (files). */
  content?: string[];
  /** Tree blob id (directories). */
  subtree?: string;
  linkTarget?: string;
}

export interface Tree {
  nodes: TreeNode[];
}

export function encodeTree(t: Tree): Buffer {
  const nodes = [...t.nodes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return Buffer.from(JSON.stringify({ nodes }));
}

export function decodeTree(b: Uint8Array): Tree {
  const t = JSON.parse(Buffer.from(b).toString('utf8')) as Tree;
  if (!Array.isArray(t.nodes)) throw new Error('not a tree');
  return t;
}
