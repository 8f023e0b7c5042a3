/**
 * The symbol table of a block index: every label name and value once, sorted, referenced by
 * position. Readers keep only every 32nd symbol and its file offset in memory and load blocks of
 * 32 symbols on demand into a bounded cache.
 */
import { readSync, type ReadPosition } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { cmpStr } from '../../model/index.js';
import { ByteReader, ByteWriter } from './encbuf.js';
import { checksum, readAt } from './fileio.js';

/** Symbols per in-memory sample and per cached block. */
export const SYMBOL_BLOCK = 32;
/** Default number of cached symbol blocks per index (1024 × 32 = 32768 symbols, ~1 MiB). */
export const DEFAULT_SYMBOL_CACHE_BLOCKS = 1024;
/** Symbol blocks closer than this many bytes are fetched with one read. */
const COALESCE_GAP = 4096;

/**
 * Encodes the symbols section: `len u32 | count uvarint | (len uvarint, utf8)* | crc32`.
 * `sorted` must be sorted by `cmpStr` without duplicates.
 */
export function encodeSymbols(sorted: readonly string[], w: ByteWriter): void {
  const start = w.len;
  w.putU32(0);
  w.putUvarint(sorted.length);
  for (const s of sorted) w.putString(s);
  const body = w.bytes().subarray(start + 4);
  const len = body.length;
  const sum = checksum(body);
  w.setU32(start, len);
  w.putU32(sum);
}

/** A pinned set of resolved symbols returned by `SymbolTable.resolve`. */
export interface SymbolLookup {
  /** The symbol at position `i`; `i` must have been passed to `resolve`. */
  get(i: number): string;
}

/** Reader of a symbol table inside an open index file. Safe for concurrent async use. */
export class SymbolTable {
  private readonly cache = new Map<number, string[]>();

  private constructor(
    private readonly fh: FileHandle,
    private readonly dir: string,
    /** Number of symbols. */
    readonly count: number,
    private readonly blockOffsets: Float64Array,
    private readonly blockFirst: readonly string[],
    private readonly dataEnd: number,
    private readonly cacheBlocks: number,
  ) {}

  /**
   * Reads the section at `off` (which must end at `limit`), checks its checksum and samples
   * every 32nd symbol.
   */
  static async load(
    fh: FileHandle,
    dir: string,
    off: number,
    limit: number,
    cacheBlocks = DEFAULT_SYMBOL_CACHE_BLOCKS,
  ): Promise<SymbolTable> {
    const src = { dir, file: 'index' };
    const lenBuf = new ByteReader(await readAt(fh, off, 4, dir, 'index'), off, src);
    const len = lenBuf.u32();
    if (off + 8 + len !== limit) {
      lenBuf.failAt(off, `symbols section length ${len} does not end at the series section`);
    }
    const buf = await readAt(fh, off + 4, len + 4, dir, 'index');
    const r = new ByteReader(buf, off + 4, src, 0, len);
    if (checksum(buf.subarray(0, len)) !== buf.readUInt32BE(len)) {
      r.fail('symbols checksum mismatch');
    }
    const count = r.uvarint();
    const nblocks = Math.ceil(count / SYMBOL_BLOCK);
    const offsets = new Float64Array(nblocks);
    const first: string[] = [];
    let prev: string | undefined;
    const cached: Array<[number, string[]]> = [];
    for (let i = 0; i < count; i++) {
      const b = Math.floor(i / SYMBOL_BLOCK);
      const at = r.fileOffset();
      const s = r.string();
      if (prev !== undefined && cmpStr(prev, s) >= 0) r.fail('symbols not sorted');
      prev = s;
      if (i % SYMBOL_BLOCK === 0) {
        offsets[b] = at;
        first.push(s);
        if (b < cacheBlocks) cached.push([b, []]);
      }
      if (b < cacheBlocks) cached[b]![1].push(s);
    }
    if (r.remaining() !== 0) r.fail('trailing bytes in symbols section');
    const t = new SymbolTable(fh, dir, count, offsets, first, off + 4 + len, cacheBlocks);
    for (const [b, syms] of cached) t.cache.set(b, syms);
    return t;
  }

  private blockRange(b: number): [number, number] {
    const start = this.blockOffsets[b]!;
    const end = b + 1 < this.blockOffsets.length ? this.blockOffsets[b + 1]! : this.dataEnd;
    return [start, end];
  }

  private decodeBlock(buf: Buffer, base: number, b: number): string[] {
    const r = new ByteReader(buf, base, { dir: this.dir, file: 'index' });
    const n = Math.min(SYMBOL_BLOCK, this.count - b * SYMBOL_BLOCK);
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(r.string());
    return out;
  }

  private remember(b: number, syms: string[]): void {
    this.cache.set(b, syms);
    if (this.cache.size > this.cacheBlocks) {
      const oldest = this.cache.keys().next();
      if (oldest.done !== true) this.cache.delete(oldest.value);
    }
  }

  private checkIndex(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) {
      new ByteReader(Buffer.alloc(0), 0, { dir: this.dir, file: 'index' }).fail(
        `symbol reference ${i} outside table of ${this.count}`,
      );
    }
  }

  /** Loads the symbols at the given positions (any order, duplicates allowed). */
  async resolve(indices: Iterable<number>): Promise<SymbolLookup> {
    const pinned = new Map<number, string[]>();
    const missingSet = new Set<number>();
    for (const i of indices) {
      this.checkIndex(i);
      const b = Math.floor(i / SYMBOL_BLOCK);
      if (pinned.has(b)) continue;
      const hit = this.cache.get(b);
      if (hit) pinned.set(b, hit);
      else missingSet.add(b);
    }
    const missing = [...missingSet].sort((x, y) => x - y);
    let k = 0;
    while (k < missing.length) {
      const [start] = this.blockRange(missing[k]!);
      let j = k + 1;
      let end = this.blockRange(missing[k]!)[1];
      while (j < missing.length && this.blockRange(missing[j]!)[0] - end <= COALESCE_GAP) {
        end = this.blockRange(missing[j]!)[1];
        j++;
      }
      const buf = await readAt(this.fh, start, end - start, this.dir, 'index');
      for (let x = k; x < j; x++) {
        const b = missing[x]!;
        const [bs, be] = this.blockRange(b);
        const syms = this.decodeBlock(buf.subarray(bs - start, be - start), bs, b);
        pinned.set(b, syms);
        this.remember(b, syms);
      }
      k = j;
    }
    return {
      get: (i: number): string => {
        const s = pinned.get(Math.floor(i / SYMBOL_BLOCK))?.[i % SYMBOL_BLOCK];
        if (s === undefined) throw new Error(`BUG: symbol ${i} was not resolved`);
        return s;
      },
    };
  }

  /** Returns the symbol at `i`, reading synchronously when it is not cached. */
  getSync(i: number): string {
    this.checkIndex(i);
    const b = Math.floor(i / SYMBOL_BLOCK);
    let syms = this.cache.get(b);
    if (!syms) {
      const [start, end] = this.blockRange(b);
      const buf = Buffer.allocUnsafe(end - start);
      const n = readSync(this.fh.fd, buf, 0, buf.length, start as ReadPosition);
      syms = this.decodeBlock(buf.subarray(0, n), start, b);
      this.remember(b, syms);
    }
    return syms[i % SYMBOL_BLOCK]!;
  }

  /** The position of symbol `s`, or -1 when the table does not hold it. */
  async indexOf(s: string): Promise<number> {
    const first = this.blockFirst;
    let lo = 0;
    let hi = first.length - 1;
    if (hi < 0 || cmpStr(s, first[0]!) < 0) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (cmpStr(first[mid]!, s) <= 0) lo = mid;
      else hi = mid - 1;
    }
    const base = lo * SYMBOL_BLOCK;
    const n = Math.min(SYMBOL_BLOCK, this.count - base);
    const idx = Array.from({ length: n }, (_, k) => base + k);
    const look = await this.resolve(idx);
    for (const i of idx) if (look.get(i) === s) return i;
    return -1;
  }
}
