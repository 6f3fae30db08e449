/**
 * The chunker's hot loop, `h = (h << 1) + gear[b]` until `h & mask` is zero, in WebAssembly; and,
 * in the same module, a count of newline bytes (16 at a time, SIMD), with which a table's COPY data
 * is counted in rows while it is stored (one 0x0A per row: COPY text escapes newlines in values).
 *
 * In JavaScript every `data[i]` and `gear[b]` is a bounds-checked typed-array load; the same loop in
 * WebAssembly has neither check (linear memory is guarded by the engine) and runs about twice as
 * fast (1.2-1.3 GB/s against 0.5-0.8 GB/s on the benchmark VM). The bytes to scan are copied into
 * the module's memory in blocks (memcpy runs at several times the scan's speed), behind the gear
 * table, which is copied in when another table is used.
 *
 * The module is written out here byte by byte rather than shipped as a binary: it is one function
 * of about 100 instructions, and this way its text is in the source. Memory layout (5 pages,
 * never grown): [0, 1024) the gear table as 256 little-endian int32; [1024, 1024 + BLOCK) data.
 * Exports: `mem`, `scan(i, lim, h, mask) -> cut end or -1`, global `hash` (h after the last byte
 * scanned, when no cut was found), `lines(i, lim) -> number of 0x0A bytes in [i, lim)`.
 */

const GEAR_BYTES = 1024;
const BLOCK = 256 * 1024;
const PAGES = Math.ceil((GEAR_BYTES + BLOCK) / 65536);

// Opcodes and encodings used below (WebAssembly core spec, binary format).
const I32 = 0x7f;
const V128 = 0x7b;
const EMPTY = 0x40;
const op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  localGet: 0x20,
  localSet: 0x21,
  globalSet: 0x24,
  i32Load: 0x28,
  i32Load8u: 0x2d,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32GtS: 0x4a,
  i32GeS: 0x4e,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32And: 0x71,
  i32Shl: 0x74,
  i32Popcnt: 0x69,
} as const;
/** SIMD instructions: the 0xfd prefix, then the opcode as unsigned LEB128 (all below 128 here). */
const simd = {
  v128Load: [0xfd, 0x00],
  i8x16Splat: [0xfd, 0x0f],
  i8x16Eq: [0xfd, 0x23],
  i8x16Bitmask: [0xfd, 0x64],
} as const;

/** Unsigned LEB128 (also right for the small non-negative signed constants used here). */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0 || b & 0x40) b |= 0x80; // keep going while bits remain, and before a set sign bit
    out.push(b);
  } while (out.at(-1)! & 0x80);
  return out;
}

const vec = (items: number[][]): number[] => [...leb(items.length), ...items.flat()];
const name = (s: string): number[] => [...leb(s.length), ...Buffer.from(s, 'ascii')];
const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];

// Locals: 0 i, 1 lim, 2 h, 3 mask (parameters), 4 lim8.
const [I, LIM, H, MASK, LIM8] = [0, 1, 2, 3, 4];
const get = (l: number) => [op.localGet, l];
const set = (l: number) => [op.localSet, l];
const konst = (n: number) => [op.i32Const, ...leb(n)];

/** h = (h << 1) + gear[data[i + k]]; if (h & mask) == 0 { hash = h; return i + k + 1 } */
function step(k: number): number[] {
  return [
    ...get(H),
    ...konst(1),
    op.i32Shl,
    ...get(I),
    op.i32Load8u,
    0,
    ...leb(k), // align 1, offset k
    ...konst(2),
    op.i32Shl,
    op.i32Load,
    2,
    0, // align 4, offset 0: the gear table starts at address 0
    op.i32Add,
    ...set(H),
    ...get(H),
    ...get(MASK),
    op.i32And,
    op.i32Eqz,
    op.if,
    EMPTY,
    ...get(H),
    op.globalSet,
    0,
    ...get(I),
    ...konst(k + 1),
    op.i32Add,
    op.return,
    op.end,
  ];
}

/** while (!(i `exitIf` bound)) { body; i += stride }: a block around a loop that tests first. */
function loopWhile(bound: number, exitIf: number, body: number[], stride: number): number[] {
  return [
    op.block,
    EMPTY,
    op.loop,
    EMPTY,
    ...get(I),
    ...get(bound),
    exitIf,
    op.brIf,
    1,
    ...body,
    ...get(I),
    ...konst(stride),
    op.i32Add,
    ...set(I),
    op.br,
    0,
    op.end,
    op.end,
  ];
}

function scanBody(): number[] {
  const unrolled: number[] = [];
  for (let k = 0; k < 8; k++) unrolled.push(...step(k));
  return [
    ...get(LIM),
    ...konst(8),
    op.i32Sub,
    ...set(LIM8),
    ...loopWhile(LIM8, op.i32GtS, unrolled, 8), // while (i <= lim8) { 8 steps; i += 8 }
    ...loopWhile(LIM, op.i32GeS, step(0), 1), // while (i < lim) { 1 step; i += 1 }
    // hash = h; return -1
    ...get(H),
    op.globalSet,
    0,
    op.i32Const,
    0x7f, // -1 as signed LEB128
    op.end,
  ];
}

// lines: locals 0 i, 1 lim (parameters), 2 n, 3 lim16, 4 the newline in all 16 lanes.
const [N, LIM16, NL] = [2, 3, 4];

function linesBody(): number[] {
  // n += popcount(bitmask(data[i, i + 16) == '\n')): one bit per lane that holds a newline
  const sixteen = [
    ...get(N),
    ...get(I),
    ...simd.v128Load,
    0,
    0, // align 1, offset 0
    ...get(NL),
    ...simd.i8x16Eq,
    ...simd.i8x16Bitmask,
    op.i32Popcnt,
    op.i32Add,
    ...set(N),
  ];
  // n += data[i] == '\n'
  const one = [...get(N), ...get(I), op.i32Load8u, 0, 0, ...konst(10), op.i32Eq, op.i32Add, ...set(N)];
  return [
    ...konst(10),
    ...simd.i8x16Splat,
    ...set(NL),
    ...get(LIM),
    ...konst(16),
    op.i32Sub,
    ...set(LIM16),
    ...loopWhile(LIM16, op.i32GtS, sixteen, 16), // while (i <= lim16) { 16 bytes; i += 16 }
    ...loopWhile(LIM, op.i32GeS, one, 1), // while (i < lim) { 1 byte; i += 1 }
    ...get(N),
    op.end,
  ];
}

/** The module's bytes. */
export function gearScanModule(): Uint8Array {
  const body = [...vec([[1, I32]]), ...scanBody()]; // one local (lim8) besides the parameters
  const lines = [
    ...vec([
      [2, I32],
      [1, V128],
    ]),
    ...linesBody(),
  ]; // n, lim16; the newline vector
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(
      1,
      vec([
        [0x60, ...vec([[I32], [I32], [I32], [I32]]), ...vec([[I32]])], // 0: scan
        [0x60, ...vec([[I32], [I32]]), ...vec([[I32]])], // 1: lines
      ]),
    ), // types
    ...section(3, vec([[0], [1]])), // functions: scan has type 0, lines type 1
    ...section(5, vec([[0x00, ...leb(PAGES)]])), // memory: min PAGES, no max
    ...section(6, vec([[I32, 0x01, ...konst(0), op.end]])), // global hash: mut i32 = 0
    ...section(
      7,
      vec([
        [...name('scan'), 0x00, 0],
        [...name('mem'), 0x02, 0],
        [...name('hash'), 0x03, 0],
        [...name('lines'), 0x00, 1],
      ]),
    ), // exports
    ...section(
      10,
      vec([
        [...leb(body.length), ...body],
        [...leb(lines.length), ...lines],
      ]),
    ), // code
  ];
  return Uint8Array.from(bytes);
}

interface GearScanExports {
  mem: { buffer: ArrayBuffer };
  scan(i: number, lim: number, h: number, mask: number): number;
  hash: { value: number };
  lines(i: number, lim: number): number;
}

/** The part of the WebAssembly API used here (the project's TypeScript libs do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}

/** One instance per thread, made on first use. */
let instance: { x: GearScanExports; bytes: Uint8Array; gear: Int32Array; loaded?: Int32Array } | undefined;

function wasm() {
  if (!instance) {
    const { Module, Instance } = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const x = new Instance(new Module(gearScanModule())).exports as GearScanExports;
    const buf = x.mem.buffer;
    instance = { x, bytes: new Uint8Array(buf), gear: new Int32Array(buf, 0, 256) };
  }
  return instance;
}

/** Hash after the last byte of the last `gearScan` that found no cut. */
export let gearScanHash = 0;

/**
 * Gear-hashes data[i, lim) starting from hash `h`; returns the exclusive end of the first position
 * whose hash has all `mask` bits clear, or -1 (then `gearScanHash` holds the hash).
 */
export function gearScan(
  data: Uint8Array,
  gear: Int32Array,
  i: number,
  lim: number,
  h: number,
  mask: number,
): number {
  const w = wasm();
  if (w.loaded !== gear) {
    w.gear.set(gear); // little-endian int32 both in JavaScript (x86, ARM) and in WebAssembly
    w.loaded = gear;
  }
  while (i < lim) {
    const n = Math.min(BLOCK, lim - i);
    w.bytes.set(data.subarray(i, i + n), GEAR_BYTES);
    const cut = w.x.scan(GEAR_BYTES, GEAR_BYTES + n, h, mask);
    if (cut >= 0) return i + cut - GEAR_BYTES;
    h = w.x.hash.value;
    i += n;
  }
  gearScanHash = h;
  return -1;
}

/** The number of newline bytes (0x0A) in `data`. */
export function countNewlines(data: Uint8Array): number {
  const w = wasm();
  let n = 0;
  for (let i = 0; i < data.length; i += BLOCK) {
    const len = Math.min(BLOCK, data.length - i);
    w.bytes.set(data.subarray(i, i + len), GEAR_BYTES);
    n += w.x.lines(GEAR_BYTES, GEAR_BYTES + len);
  }
  return n;
}
