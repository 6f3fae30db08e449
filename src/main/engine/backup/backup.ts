/**
 * backup(): one snapshot from components (file trees, configuration files, database dumps).
 * Order of writes: packs -> index -> snapshot manifest (the commit point). A crash or cancel at
 * any moment leaves at most unreferenced packs/index entries that `prune` removes; the snapshot
 * list never shows a partial backup.
 */
import { hostname, userInfo } from 'node:os';
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import { AppError, throwIfAborted } from '../../platform/errors.js';
import type { Repository } from '../../repo/repository.js';
import type { Component, SnapshotKind, SnapshotManifest } from '../../repo/snapshot.js';
import type { TreeNode } from '../../repo/tree.js';
import type { DbFacts } from '../../sources/facts.js';
import { noProgress, ProgressMeter, type ProgressReporter } from '../progress.js';
import { Archiver } from './archiver.js';
import type { Prewalk } from './prewalk.js';
import { scanTotals } from './scan.js';
import type { ComponentContext } from './stream.js';

export type BackupComponentInput =
  | { type: 'files' | 'config'; name: string; paths: string[] }
  | { type: 'postgres' | 'mariadb'; name: string; database: string; dir: string; facts: DbFacts }
  | {
      type: 'postgres' | 'mariadb';
      name: string;
      database: string;
      /** Stores the component itself (a dump streamed into the repository), inside the backup. */
      produce: (ctx: ComponentContext) => Promise<{ subtree: string; facts: DbFacts }>;
    };

export interface BackupOptions {
  components: BackupComponentInput[];
  name?: string;
  plan?: string;
  kind?: SnapshotKind;
  tags?: string[];
  /** Parent snapshot for change detection; default: the newest with the same plan and host. */
  parent?: SnapshotManifest | null;
  forceReread?: boolean;
  /** A walk of the components' paths started while the repository was being opened (prewalk.ts). */
  prewalk?: Prewalk;
  signal?: AbortSignal;
  progress?: ProgressReporter;
}

export interface BackupResult {
  snapshot: SnapshotManifest;
  warnings: string[];
}

const COMPONENT_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

function validate(components: BackupComponentInput[]): void {
  if (components.length === 0)
    throw new AppError('INVALID_INPUT', 'Nothing to back up: no components were given.');
  const seen = new Set<string>();
  for (const c of components) {
    if (!COMPONENT_NAME.test(c.name)) {
      throw new AppError(
        'INVALID_INPUT',
        `Component name "${c.name}" is not valid (lowercase letters, digits, . _ -).`,
      );
    }
    if (seen.has(c.name)) throw new AppError('INVALID_INPUT', `Component "${c.name}" is given twice.`);
    seen.add(c.name);
    if ((c.type === 'files' || c.type === 'config') && c.paths.length === 0) {
      throw new AppError('INVALID_INPUT', `Component "${c.name}" has no paths.`);
    }
  }
}

async function defaultParent(repo: Repository, plan: string | undefined, signal?: AbortSignal) {
  const host = hostname();
  const all = await repo.listSnapshots(signal);
  return all.filter((s) => s.hostname === host && s.plan === plan && s.kind !== 'copy').at(-1);
}

function componentNode(name: string, subtree: string, mtimeNs: string): TreeNode {
  return { name, type: 'dir', mode: 0o755, mtimeNs, subtree };
}

/** Builds a component tree that mirrors absolute paths: /srv/uploads -> srv/uploads. */
async function filesComponent(
  arch: Archiver,
  paths: string[],
  parentTree: string | undefined,
  repo: Repository,
): Promise<string> {
  interface VDir {
    children: Map<string, VDir | string>;
  }
  const root: VDir = { children: new Map() };
  for (const p of paths) {
    const parts = p.split(sep).filter(Boolean);
    let d = root;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) d.children.set(part, p);
      else {
        let next = d.children.get(part);
        if (typeof next !== 'object') {
          next = { children: new Map() };
          d.children.set(part, next);
        }
        d = next;
      }
    });
  }
  const build = async (d: VDir, realDir: string, parentId: string | undefined): Promise<string> => {
    const parentNodes = new Map<string, TreeNode>();
    if (parentId) {
      for (const n of (await repo.loadTree(parentId).catch(() => ({ nodes: [] }))).nodes)
        parentNodes.set(n.name, n);
    }
    const nodes: TreeNode[] = [];
    for (const [name, child] of d.children) {
      const real = `${realDir}${sep}${name}`.replace(/^\/\//, '/');
      const pn = parentNodes.get(name);
      if (typeof child === 'string') {
        const n = await arch.node(child, name, pn);
        if (n) nodes.push(n);
      } else {
        const meta = await arch.dirMeta(real, name);
        nodes.push({ ...meta, subtree: await build(child, real, pn?.subtree) });
      }
    }
    return arch.saveTree(nodes);
  };
  return build(root, '', parentTree);
}

export async function backup(repo: Repository, opts: BackupOptions): Promise<BackupResult> {
  validate(opts.components);
  const signal = opts.signal;
  const started = repo.clock.now();
  const t0 = performance.now();
  const files = opts.components.flatMap((c) => ('paths' in c ? c.paths : 'dir' in c ? [c.dir] : []));
  for (const p of files) {
    if (!isAbsolute(p)) throw new AppError('INVALID_INPUT', `Path "${p}" must be absolute.`);
  }
  const lock = await repo.lock(false, `backup ${opts.name ?? opts.plan ?? ''}`.trim(), signal);
  let abandon = async (): Promise<void> => {};
  try {
    const meter = new ProgressMeter(opts.progress ?? noProgress, 'scanning');
    const parent =
      opts.parent === undefined ? await defaultParent(repo, opts.plan, signal) : (opts.parent ?? undefined);
    // A parent committed by another backup after this repository's index was loaded (two backups
    // at once): its blobs are in an index written since.
    if (parent && !repo.index.has(parent.tree)) await repo.reloadIndex(signal);
    // Totals for progress and ETA: the parent snapshot's are a good estimate of an incremental run
    // and cost nothing; a first backup walks the metadata once.
    const sameComponents =
      parent !== undefined &&
      parent.components.map((c) => c.name).join() === opts.components.map((c) => c.name).join();
    await opts.prewalk?.done;
    const totals = sameComponents
      ? { bytes: parent.summary.bytes, files: parent.summary.files }
      : (opts.prewalk?.totals ?? (await scanTotals(files, signal)));
    opts.prewalk?.stop(); // what it has cached is used; the archiver reads the rest itself
    meter.setTotals(totals.bytes, totals.files);
    meter.setPhase('backing up');
    const parentRoot = new Map<string, TreeNode>();
    if (parent) for (const n of (await repo.loadTree(parent.tree, signal)).nodes) parentRoot.set(n.name, n);

    const packer = repo.packer(signal);
    // On failure or cancel: the pack being written (a temp file on local disks) is removed.
    abandon = () => packer.abandon();
    const arch = new Archiver(repo, packer, meter, {
      forceReread: opts.forceReread ?? false,
      ...(signal ? { signal } : {}),
      ...(opts.prewalk ? { prewalk: opts.prewalk } : {}),
    });
    const nowNs = (BigInt(started.getTime()) * 1_000_000n).toString();
    const rootNodes: TreeNode[] = [];
    const components: Component[] = [];
    for (const c of opts.components) {
      const prev = parentRoot.get(c.name)?.subtree;
      if ('paths' in c) {
        const abs = c.paths.map((p) => resolve(p));
        rootNodes.push(componentNode(c.name, await filesComponent(arch, abs, prev, repo), nowNs));
        components.push({ type: c.type, name: c.name, paths: abs });
      } else if ('produce' in c) {
        const made = await c.produce({
          repo,
          packer,
          meter,
          stats: arch.stats,
          nowNs,
          ...(signal ? { signal } : {}),
        });
        rootNodes.push(componentNode(c.name, made.subtree, nowNs));
        components.push({ type: c.type, name: c.name, database: c.database, facts: made.facts });
      } else {
        const node = await arch.node(c.dir, c.name, parentRoot.get(c.name));
        if (!node?.subtree)
          throw new AppError(
            'SOURCE_FAILED',
            `The dump of ${c.database} could not be read from ${dirname(c.dir)}.`,
          );
        rootNodes.push(componentNode(c.name, node.subtree, nowNs));
        components.push({ type: c.type, name: c.name, database: c.database, facts: c.facts });
      }
    }
    const tree = await arch.saveTree(rootNodes);
    meter.setPhase('finishing');
    await packer.flush();
    throwIfAborted(signal);
    await repo.index.save(repo.storage, repo.keys.enc, signal);
    throwIfAborted(signal);
    const user = (() => {
      try {
        return userInfo().username;
      } catch {
        return 'unknown';
      }
    })();
    const snapshot = await repo.saveSnapshot(
      {
        version: 1,
        time: started.toISOString(),
        hostname: hostname(),
        username: user,
        ...(opts.name ? { name: opts.name } : {}),
        ...(opts.plan ? { plan: opts.plan } : {}),
        kind: opts.kind ?? 'manual',
        tags: opts.tags ?? [],
        ...(parent ? { parent: parent.id } : {}),
        tree,
        components,
        summary: {
          files: arch.stats.files,
          dirs: arch.stats.dirs,
          bytes: arch.stats.bytes,
          addedBytes: packer.addedBytes,
          storedBytes: packer.storedBytes,
          durationMs: Math.round(performance.now() - t0),
        },
      },
      signal,
    );
    meter.done();
    return { snapshot, warnings: arch.stats.warnings };
  } finally {
    await abandon();
    await lock.release().catch(() => {});
  }
}
