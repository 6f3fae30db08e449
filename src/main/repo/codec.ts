/**
 * Blob payload codecs (the first plaintext byte of every blob and object, see format.ts Codec).
 * - Writers use zstd level 1. Measured on the benchmark data against brotli quality 1: 1.6x (CSV)
 *   to 2.1x (logs) the speed with a slightly better ratio, and ~5 GB/s over incompressible data,
 *   so media and archives need no sampling first: anything that does not shrink by 3% is kept raw.
 * - Readers also accept brotli (written before zstd) and raw.
 * Each thread keeps one zstd compression context, one decompression context and one scratch
 * buffer, and compresses into that buffer: sealing a chunk allocates nothing for compression
 * (restore workers decompress into it the same way).
 */
import { createRequire } from 'node:module';
import zlib from 'node:zlib';
import { AppError } from '../platform/errors.js';
import { Codec } from './format.js';
import { Scratch } from './scratch.js';

// A CommonJS native addon: its exports cannot be named from an ES import.
const zstd = createRequire(import.meta.url)('zstd-napi/binding.js') as typeof import('zstd-napi/binding.js');

const LEVEL = 1;
/** Below this size compression rarely pays for the frame header. */
const MIN_COMPRESS = 256;
let cctx: InstanceType<typeof zstd.CCtx> | undefined;
let dctx: InstanceType<typeof zstd.DCtx> | undefined;
/** This thread's compression and decompression output (kept up to 16 MiB). */
const scratch = new Scratch();

export interface Encoded {
  codec: Codec;
  /** For Codec.Zstd a view of this thread's scratch buffer: valid until the next compress(). */
  body: Uint8Array;
}

/** The codec and body for `plain` (raw when compressing does not save 3%). */
export function compress(plain: Uint8Array): Encoded {
  if (plain.length < MIN_COMPRESS) return { codec: Codec.Raw, body: plain };
  cctx ??= new zstd.CCtx();
  const out = scratch.of(zstd.compressBound(plain.length));
  const n = cctx.compress(out, plain, LEVEL);
  if (n >= plain.length * 0.97) return { codec: Codec.Raw, body: plain };
  return { codec: Codec.Zstd, body: out.subarray(0, n) };
}

/**
 * The plaintext of a payload body. `rawLength` (from the index) sizes the output; without it the
 * zstd frame's own content size is used. INTEGRITY when the body does not decode to that size.
 * `intoScratch`: zstd output goes to this thread's scratch buffer (valid until the next call here).
 */
export function decompress(
  codec: number,
  body: Uint8Array,
  what: string,
  rawLength?: number,
  intoScratch = false,
): Buffer {
  switch (codec) {
    case Codec.Raw:
      return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    case Codec.Zstd: {
      const size = rawLength ?? frameSize(body, what);
      const out = intoScratch ? scratch.of(size) : Buffer.allocUnsafe(size);
      dctx ??= new zstd.DCtx();
      let n: number;
      try {
        n = dctx.decompress(out, body);
      } catch (e) {
        throw new AppError('INTEGRITY', `${what} does not decompress: ${(e as Error).message}.`);
      }
      if (n !== size) throw new AppError('INTEGRITY', `${what} decompressed to ${n} bytes, not ${size}.`);
      return out;
    }
    case Codec.Brotli:
      // One output chunk of the known size: ~1.5x faster than zlib's default 16 KiB pieces.
      return zlib.brotliDecompressSync(body, {
        chunkSize: Math.max(64 * 1024, rawLength ?? body.length * 4),
      });
    default:
      throw new AppError('UNSUPPORTED_FORMAT', `${what} uses unknown codec ${codec}.`, {
        hint: 'It was written by a newer version of Mvono Backup; upgrade to read it.',
      });
  }
}

function frameSize(body: Uint8Array, what: string): number {
  let size: number | null;
  try {
    size = zstd.getFrameContentSize(body);
  } catch {
    size = null;
  }
  if (size === null || !Number.isSafeInteger(size) || size < 0) {
    throw new AppError('INTEGRITY', `${what} has a damaged zstd frame header.`);
  }
  return size;
}
