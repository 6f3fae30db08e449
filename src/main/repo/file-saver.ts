/**
 * saveFiles(): stores whole files through a worker's file job (see workers/protocol.ts). The
 * worker reads, chunks and hashes; here each chunk id is checked against the index and the blobs in
 * flight (`Packer.claim`), and only new chunks are sealed and come back to be packed. Before a
 * decision is sent the packer must have room, which bounds memory end to end.
 */
import { BlobType } from './format.js';
import type { Packer } from './packer.js';
import type { CryptoPool } from './workers/pool.js';

export type FileOutcome =
  /** `lines`: the file's newline bytes, when counting was asked for. */
  | { ok: true; bytes: number; content: string[]; lines?: number }
  | { ok: false; bytes: number; code: string; message: string };

export interface FileToSave {
  path: string;
  size: number;
  /** Already open: the worker reads this descriptor (the caller closes it afterwards). */
  fd?: number;
}

export async function saveFiles(
  pool: CryptoPool,
  packer: Packer,
  files: FileToSave[],
  onBytes: (bytes: number, path: string) => void = () => {},
  /** One file that is still being written: see CryptoPool.files. */
  follow?: { complete: Promise<void>; signal?: AbortSignal },
  /** Count each file's newline bytes (FileOutcome.lines) while reading it. */
  countLines = false,
): Promise<FileOutcome[]> {
  const contents = files.map(() => [] as string[]);
  const outcomes = new Array<FileOutcome | undefined>(files.length);
  /** Claimed (new) chunks of each part whose sealed bytes have not arrived yet. */
  const claimed = new Map<number, { id: string; rawLength: number }[]>();
  try {
    await pool.files(
      files,
      {
        part: async (m) => {
          const seal = new Uint8Array(m.ids.length);
          const mine: { id: string; rawLength: number }[] = [];
          claimed.set(m.part, mine);
          for (let i = 0; i < m.ids.length; i++) {
            const id = m.ids[i]!;
            const owner = m.owners[i]!;
            contents[owner]!.push(id);
            onBytes(m.lens[i]!, files[owner]!.path);
            if (packer.claim(id)) {
              seal[i] = 1;
              mine.push({ id, rawLength: m.lens[i]! });
            }
          }
          for (const [file, bytes, third, message] of m.ends) {
            outcomes[file] =
              typeof third === 'string'
                ? { ok: false, bytes, code: third, message: message ?? third }
                : {
                    ok: true,
                    bytes,
                    content: contents[file]!,
                    ...(third === undefined ? {} : { lines: third }),
                  };
          }
          await packer.room();
          return seal;
        },
        sealed: (m) => {
          const mine = claimed.get(m.part) ?? [];
          claimed.delete(m.part);
          const blobs = m.lengths.map((length, i) => ({
            id: mine[i]!.id,
            length,
            rawLength: mine[i]!.rawLength,
          }));
          return packer.addSealedRun(BlobType.Data, blobs, m.data);
        },
      },
      follow,
      countLines,
    );
  } catch (e) {
    for (const list of claimed.values()) for (const c of list) packer.unclaim(c.id);
    throw e;
  }
  return outcomes.map(
    (o, i) =>
      o ?? { ok: false, bytes: 0, code: 'EIO', message: `${files[i]!.path}: no result from the worker` },
  );
}
