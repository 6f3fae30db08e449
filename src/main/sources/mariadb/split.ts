/**
 * Splits mariadb-dump output into one file per table as it streams by. Sections start at the
 * dump's own comment markers ("-- Table structure for table `x`", "-- Dumping data for table `x`",
 * "-- Temporary table structure for view `v`", "-- Final view structure for view `v`"); every file
 * starts with the dump's header (character set, time zone, FOREIGN_KEY_CHECKS=0, SQL_MODE) so it
 * loads on its own. View sections all go to one file, in dump order (placeholders first).
 * Values never contain raw newlines in mariadb-dump output (they are escaped), so lines are safe
 * split points. Lines stay bytes from end to end (only marker lines are decoded): decoding each
 * piece of the stream as text would break a multi-byte character that straddles two pieces.
 */
import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';

const MARKER =
  /^-- (Table structure for table|Dumping data for table|Temporary table structure for view|Final view structure for view) `((?:[^`]|``)+)`$/;
const FOOTER = /^\/\*!40103 SET TIME_ZONE=@OLD_TIME_ZONE \*\/;$/;

export function tableFileName(table: string): string {
  return `${encodeURIComponent(table)}.sql`;
}

/** Where a section goes, relative to the output directory; undefined drops it. */
export type SectionRoute = (kind: 'table' | 'data' | 'view', name: string) => string | undefined;

const NL = 0x0a;
const DASHES = Buffer.from('-- ');
const COMMENT = Buffer.from('--');
const VERSIONED = Buffer.from('/*M!999999');

export class DumpSplitter extends Writable {
  /** Bytes after the last newline seen (the start of a line still arriving). */
  private partial: Buffer = Buffer.alloc(0);
  private header: Buffer[] = [];
  private inHeader = true;
  private inFooter = false;
  private current: { path: string; handle: FileHandle } | undefined;
  private handles = new Map<string, FileHandle>();
  private buf: Buffer[] = [];
  private bufBytes = 0;
  readonly files: string[] = [];

  constructor(
    private readonly outDir: string,
    private readonly route: SectionRoute,
  ) {
    super();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    const data = this.partial.length > 0 ? Buffer.concat([this.partial, chunk]) : chunk;
    const lines: Buffer[] = [];
    let start = 0;
    for (let nl = data.indexOf(NL); nl >= 0; nl = data.indexOf(NL, start)) {
      lines.push(data.subarray(start, nl));
      start = nl + 1;
    }
    // a copy: the stream may reuse `chunk`'s memory once this write is done
    this.partial = Buffer.from(data.subarray(start));
    this.handle(lines).then(() => cb(), cb);
  }

  override _final(cb: (e?: Error | null) => void): void {
    const rest = this.partial.length > 0 ? [this.partial] : [];
    this.partial = Buffer.alloc(0);
    this.handle(rest)
      .then(() => this.flush())
      .then(() => this.closeAll())
      .then(() => cb(), cb);
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    this.closeAll().then(
      () => cb(err),
      () => cb(err),
    );
  }

  private async handle(lines: Buffer[]): Promise<void> {
    for (const line of lines) {
      if (this.inFooter) continue;
      // Only comment lines can be markers or the footer: decode those alone.
      const text = line[0] === 0x2d || line[0] === 0x2f ? line.toString('utf8') : '';
      if (text && FOOTER.test(text)) {
        this.inFooter = true;
        continue;
      }
      const m = line.subarray(0, DASHES.length).equals(DASHES) ? MARKER.exec(text) : null;
      if (m?.[1] && m[2]) {
        if (this.inHeader) {
          this.inHeader = false;
          while (this.header.length && /^--\s*$/.test(this.header[this.header.length - 1]!.toString('utf8')))
            this.header.pop();
        }
        const kind = m[1].startsWith('Table') ? 'table' : m[1].startsWith('Dumping') ? 'data' : 'view';
        await this.switchTo(this.route(kind, m[2].replace(/``/g, '`')));
        continue;
      }
      if (this.inHeader) {
        const comment =
          line.subarray(0, 2).equals(COMMENT) || line.subarray(0, VERSIONED.length).equals(VERSIONED);
        if (!comment) this.header.push(line);
        continue;
      }
      if (!this.current) continue;
      this.buf.push(line);
      this.bufBytes += line.length + 1;
      if (this.bufBytes > 1 << 20) await this.flush();
    }
  }

  private async switchTo(rel: string | undefined): Promise<void> {
    await this.flush();
    if (rel === undefined) {
      this.current = undefined;
      return;
    }
    const path = join(this.outDir, rel);
    let handle = this.handles.get(path);
    if (!handle) {
      await mkdir(dirname(path), { recursive: true });
      handle = await open(path, 'w');
      this.handles.set(path, handle);
      this.files.push(rel);
      await handle.write(joinLines(this.header));
    }
    this.current = { path, handle };
  }

  private async flush(): Promise<void> {
    if (this.current && this.buf.length) await this.current.handle.write(joinLines(this.buf));
    this.buf = [];
    this.bufBytes = 0;
  }

  private async closeAll(): Promise<void> {
    for (const h of this.handles.values()) await h.close().catch(() => {});
    this.handles.clear();
    this.current = undefined;
  }
}

/** Lines, each followed by a newline, as one buffer. */
function joinLines(lines: Buffer[]): Buffer {
  const out = Buffer.allocUnsafe(lines.reduce((n, l) => n + l.length + 1, 0));
  let o = 0;
  for (const l of lines) {
    o += l.copy(out, o);
    out[o++] = NL;
  }
  return out;
}
