/**
 * Reads a block's index file with positioned reads. In memory it keeps the table of contents,
 * every 32nd symbol and the postings offset table (label names, and per label pair its value
 * symbol and postings position); series entries, postings lists and other symbols are read on
 * demand.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { Labels, cmpStr } from '../../model/index.js';
import { ByteReader, type ByteSource } from './encbuf.js';
import { CorruptBlockError } from './errors.js';
import { READ_CONCURRENCY, checksum, forEachLimit, readAt } from './fileio.js';
import {
  INDEX_FILE,
  INDEX_HEADER_SIZE,
  INDEX_MAGIC,
  INDEX_TOC_SIZE,
  INDEX_VERSION,
} from './index-format.js';
import { decodePostings } from './postings.js';
import { decodeSeries, type SeriesEntry } from './series.js';
import { SymbolTable } from './symbols.js';

/** Series entries closer than this many bytes are fetched with one read. */
const SERIES_GAP = 8 * 1024;
/** Bytes read past the last wanted series entry of a merged read (most entries are smaller). */
const SERIES_SLACK = 2 * 1024;
/** Upper bound of one merged read. */
const MAX_READ_SPAN = 4 * 1024 * 1024;
/** Longest possible uvarint plus checksum: enough to learn an entry's size. */
const ENTRY_PROBE = 12;

/** Reader of one index file. Safe for concurrent async use until `close()`. */
export class IndexReader {
  private readonly src: ByteSource;

  private constructor(
    private readonly fh: FileHandle,
    readonly dir: string,
    /** The index file size in bytes. */
    readonly size: number,
    readonly blockMinT: number,
    readonly symbols: SymbolTable,
    /** Label names, sorted. */
    readonly names: readonly string[],
    /** For name n, its pairs are positions `nameFirstPair[n]` to `nameFirstPair[n+1]`. */
    readonly nameFirstPair: Uint32Array,
    /** Symbol position of each pair's value (increasing within a name). */
    readonly pairValueSym: Uint32Array,
    private readonly pairPostOff: Float64Array,
    private readonly pairPostLen: Uint32Array,
    private readonly allPostOff: number,
    private readonly allPostLen: number,
    /** Offset of the first series entry. */
    readonly seriesStart: number,
    /** Offset just past the last series entry. */
    readonly seriesEnd: number,
  ) {
    this.src = { dir, file: INDEX_FILE };
  }

  /** Opens and validates the index of the block in `dir`. */
  static async open(
    dir: string,
    blockMinT: number,
    symbolCacheBlocks?: number,
  ): Promise<IndexReader> {
    let fh: FileHandle;
    try {
      fh = await open(`${dir}/${INDEX_FILE}`, 'r');
    } catch (err) {
      throw new CorruptBlockError(dir, INDEX_FILE, 0, `cannot open file: ${String(err)}`, {
        cause: err,
      });
    }
    try {
      return await IndexReader.load(fh, dir, blockMinT, symbolCacheBlocks);
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  private static async load(
    fh: FileHandle,
    dir: string,
    blockMinT: number,
    symbolCacheBlocks: number | undefined,
  ): Promise<IndexReader> {
    const src = { dir, file: INDEX_FILE };
    const size = (await fh.stat()).size;
    const hr = new ByteReader(await readAt(fh, 0, INDEX_HEADER_SIZE, dir, INDEX_FILE), 0, src);
    if (hr.u32() !== INDEX_MAGIC) hr.failAt(hr.fileOffset() - 4, 'bad magic number');
    const version = hr.byte();
    if (version !== INDEX_VERSION) hr.fail(`unsupported version ${version}`);
    if (size < INDEX_HEADER_SIZE + INDEX_TOC_SIZE)
      hr.fail('file too small for a table of contents');
    const tocOff = size - INDEX_TOC_SIZE;
    const tocBuf = await readAt(fh, tocOff, INDEX_TOC_SIZE, dir, INDEX_FILE);
    const tr = new ByteReader(tocBuf, tocOff, src);
    if (
      checksum(tocBuf.subarray(0, INDEX_TOC_SIZE - 4)) !== tocBuf.readUInt32BE(INDEX_TOC_SIZE - 4)
    ) {
      tr.fail('table of contents checksum mismatch');
    }
    const symbolsOff = tr.u64();
    const seriesOff = tr.u64();
    const postingsOff = tr.u64();
    const tableOff = tr.u64();
    if (
      symbolsOff !== INDEX_HEADER_SIZE ||
      seriesOff < symbolsOff ||
      postingsOff < seriesOff ||
      tableOff < postingsOff ||
      tableOff + 8 > tocOff
    ) {
      tr.failAt(tocOff, 'table of contents offsets out of order');
    }
    const symbols = await SymbolTable.load(fh, dir, symbolsOff, seriesOff, symbolCacheBlocks);

    // Postings offset table.
    const lr = new ByteReader(await readAt(fh, tableOff, 4, dir, INDEX_FILE), tableOff, src);
    const tlen = lr.u32();
    if (tableOff + 8 + tlen !== tocOff)
      lr.fail(`postings offset table length ${tlen} does not end at the table of contents`);
    const tbuf = await readAt(fh, tableOff + 4, tlen + 4, dir, INDEX_FILE);
    const r = new ByteReader(tbuf, tableOff + 4, src, 0, tlen);
    if (checksum(tbuf.subarray(0, tlen)) !== tbuf.readUInt32BE(tlen)) {
      r.fail('postings offset table checksum mismatch');
    }
    const allLen = r.uvarint();
    const nnames = r.uvarint();
    if (nnames > tlen) r.fail(`label name count ${nnames} exceeds table size`);
    const nameSyms: number[] = [];
    const firstPair = new Uint32Array(nnames + 1);
    const valueSym: number[] = [];
    const postLen: number[] = [];
    for (let n = 0; n < nnames; n++) {
      const s = r.uvarint();
      if (s >= symbols.count || (n > 0 && s <= nameSyms[n - 1]!))
        r.fail(`bad label name symbol ${s}`);
      nameSyms.push(s);
      firstPair[n] = valueSym.length;
      const nv = r.uvarint();
      if (nv > tlen) r.fail(`label value count ${nv} exceeds table size`);
      let prev = 0;
      for (let v = 0; v < nv; v++) {
        const d = r.uvarint();
        if (v > 0 && d === 0) r.fail('label value symbols not increasing');
        prev = v === 0 ? d : prev + d;
        if (prev >= symbols.count) r.fail(`label value symbol ${prev} outside table`);
        valueSym.push(prev);
        postLen.push(r.uvarint());
      }
    }
    firstPair[nnames] = valueSym.length;
    if (r.remaining() !== 0) r.fail('trailing bytes in postings offset table');
    const pairPostOff = new Float64Array(valueSym.length);
    let at = postingsOff + allLen;
    for (let p = 0; p < valueSym.length; p++) {
      pairPostOff[p] = at;
      at += postLen[p]!;
    }
    if (at !== tableOff) r.fail('postings lengths do not add up to the postings section');
    const look = await symbols.resolve(nameSyms);
    const names = nameSyms.map((s) => look.get(s));
    return new IndexReader(
      fh,
      dir,
      size,
      blockMinT,
      symbols,
      names,
      firstPair,
      Uint32Array.from(valueSym),
      pairPostOff,
      Uint32Array.from(postLen),
      postingsOff,
      allLen,
      seriesOff,
      postingsOff,
    );
  }

  /** Number of label pairs. */
  get numPairs(): number {
    return this.pairValueSym.length;
  }

  /** The position of a label name, or -1. */
  nameIndex(name: string): number {
    let lo = 0;
    let hi = this.names.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = cmpStr(this.names[mid]!, name);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The name position of pair `p`. */
  nameOfPair(p: number): number {
    const f = this.nameFirstPair;
    let lo = 0;
    let hi = this.names.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (f[mid]! <= p) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The pair position of `name="value"`, or -1. */
  async findPair(nameIdx: number, value: string): Promise<number> {
    const sym = await this.symbols.indexOf(value);
    if (sym < 0) return -1;
    let lo = this.nameFirstPair[nameIdx]!;
    let hi = this.nameFirstPair[nameIdx + 1]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.pairValueSym[mid]!;
      if (s === sym) return mid;
      if (s < sym) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** All values of a label name, sorted. */
  async values(nameIdx: number): Promise<string[]> {
    const lo = this.nameFirstPair[nameIdx]!;
    const hi = this.nameFirstPair[nameIdx + 1]!;
    const syms = this.pairValueSym.subarray(lo, hi);
    const look = await this.symbols.resolve(syms);
    return Array.from(syms, (s) => look.get(s));
  }

  /** The postings list of every series. */
  async allPostings(): Promise<Float64Array> {
    const buf = await readAt(this.fh, this.allPostOff, this.allPostLen, this.dir, INDEX_FILE);
    return decodePostings(buf, this.allPostOff, this.src);
  }

  /** The postings lists of the given pairs (increasing), fetched with merged reads. */
  async postings(pairs: ArrayLike<number>): Promise<Float64Array[]> {
    const out: Float64Array[] = [];
    let i = 0;
    while (i < pairs.length) {
      const start = this.pairPostOff[pairs[i]!]!;
      let end = start + this.pairPostLen[pairs[i]!]!;
      let j = i + 1;
      for (; j < pairs.length; j++) {
        const o = this.pairPostOff[pairs[j]!]!;
        const e = o + this.pairPostLen[pairs[j]!]!;
        if (o - end > SERIES_GAP || e - start > MAX_READ_SPAN) break;
        end = e;
      }
      const buf = await readAt(this.fh, start, end - start, this.dir, INDEX_FILE);
      for (let k = i; k < j; k++) {
        const o = this.pairPostOff[pairs[k]!]! - start;
        const view = buf.subarray(o, o + this.pairPostLen[pairs[k]!]!);
        out.push(decodePostings(view, start + o, this.src));
      }
      i = j;
    }
    return out;
  }

  private checkRef(ref: number): void {
    if (!Number.isInteger(ref) || ref < this.seriesStart || ref >= this.seriesEnd) {
      new ByteReader(Buffer.alloc(0), ref, this.src).fail(
        `series reference ${ref} outside the series section`,
      );
    }
  }

  /** Reads the series entries at the given references (increasing), with merged reads. */
  async series(refs: ArrayLike<number>): Promise<SeriesEntry[]> {
    const out = new Array<SeriesEntry>(refs.length);
    const groups: Array<[number, number]> = [];
    let i = 0;
    while (i < refs.length) {
      const start = refs[i]!;
      let j = i + 1;
      for (; j < refs.length; j++) {
        const x = refs[j]!;
        if (x - refs[j - 1]! > SERIES_GAP || x - start > MAX_READ_SPAN) break;
      }
      groups.push([i, j]);
      i = j;
    }
    await forEachLimit(groups, READ_CONCURRENCY, async ([from, to]) => {
      const start = refs[from]!;
      this.checkRef(start);
      const end = Math.min(refs[to - 1]! + SERIES_SLACK, this.seriesEnd);
      const buf = await readAt(this.fh, start, end - start, this.dir, INDEX_FILE);
      const r = new ByteReader(buf, start, this.src);
      for (let k = from; k < to; k++) {
        const ref = refs[k]!;
        this.checkRef(ref);
        r.reset(buf, start, ref - start);
        out[k] = await this.entryAt(r, buf.length);
      }
    });
    return out;
  }

  private async entryAt(r: ByteReader, bufLen: number): Promise<SeriesEntry> {
    const ref = r.fileOffset();
    const room = bufLen - r.pos;
    if (room < ENTRY_PROBE && ref + room < this.seriesEnd) {
      const probe = Math.min(ENTRY_PROBE, this.seriesEnd - ref);
      r.reset(await readAt(this.fh, ref, probe, this.dir, INDEX_FILE), ref);
      return this.entryAt(r, r.remaining());
    }
    const save = r.pos;
    const len = r.uvarint();
    const total = r.pos - save + len + 4;
    r.pos = save;
    if (total > room) {
      if (ref + total > this.seriesEnd) r.fail('series entry runs past the series section');
      r.reset(await readAt(this.fh, ref, total, this.dir, INDEX_FILE), ref);
    }
    return decodeSeries(r, this.blockMinT, this.numPairs);
  }

  /** Resolves the labels of series entries. */
  async labelsOf(entries: readonly SeriesEntry[]): Promise<Labels[]> {
    const syms: number[] = [];
    for (const e of entries) for (const p of e.pairs) syms.push(this.pairValueSym[p]!);
    const look = await this.symbols.resolve(syms);
    return entries.map((e) => {
      const flat: string[] = [];
      for (const p of e.pairs)
        flat.push(this.names[this.nameOfPair(p)]!, look.get(this.pairValueSym[p]!));
      return Labels.fromSortedFlat(flat);
    });
  }

  /** Resolves the labels of a series entry synchronously (for compaction scans). */
  labelsOfSync(e: SeriesEntry): Labels {
    const flat: string[] = [];
    for (const p of e.pairs) {
      flat.push(this.names[this.nameOfPair(p)]!, this.symbols.getSync(this.pairValueSym[p]!));
    }
    return Labels.fromSortedFlat(flat);
  }

  /** Closes the file. */
  async close(): Promise<void> {
    await this.fh.close();
  }
}
