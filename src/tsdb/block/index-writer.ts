/**
 * Writes the index file of a block from series held in label order: symbol table, series
 * entries, postings lists, postings offset table and table of contents.
 */
import { cmpStr, type Labels } from '../../model/index.js';
import { ByteWriter } from './encbuf.js';
import { BufferedFileWriter, checksum } from './fileio.js';
import { INDEX_MAGIC, INDEX_VERSION } from './index-format.js';
import { encodePostings } from './postings.js';
import { encodeSymbols } from './symbols.js';
import { encodeSeries } from './series.js';

/** What the index writer needs: series in label order and their chunk metadata. */
export interface IndexInput {
  /** Label sets, strictly increasing by `compareLabels`. */
  readonly labels: readonly Labels[];
  /** For series i, its chunks are positions `chunkStart[i]` to `chunkStart[i+1]` of `meta`. */
  readonly chunkStart: readonly number[];
  /** Chunk metadata, `CHUNK_META_FIELDS` numbers per chunk. */
  readonly meta: Float64Array;
  /** The block's minimum time (base of the first chunk's time delta). */
  readonly blockMinT: number;
}

interface PairTable {
  names: string[];
  values: string[][];
  /** name → value → pair position. */
  index: Map<string, Map<string, number>>;
  count: number;
}

function buildPairs(labels: readonly Labels[]): PairTable {
  const byName = new Map<string, Set<string>>();
  for (const ls of labels) {
    const f = ls.flat;
    for (let i = 0; i < f.length; i += 2) {
      let set = byName.get(f[i]!);
      if (!set) byName.set(f[i]!, (set = new Set()));
      set.add(f[i + 1]!);
    }
  }
  const names = [...byName.keys()].sort(cmpStr);
  const values: string[][] = [];
  const index = new Map<string, Map<string, number>>();
  let count = 0;
  for (const n of names) {
    const vs = [...byName.get(n)!].sort(cmpStr);
    values.push(vs);
    const m = new Map<string, number>();
    for (const v of vs) m.set(v, count++);
    index.set(n, m);
  }
  return { names, values, index, count };
}

function buildSymbols(pt: PairTable): { sorted: string[]; pos: Map<string, number> } {
  const set = new Set<string>(pt.names);
  for (const vs of pt.values) for (const v of vs) set.add(v);
  const sorted = [...set].sort(cmpStr);
  const pos = new Map<string, number>();
  sorted.forEach((s, i) => pos.set(s, i));
  return { sorted, pos };
}

/** Writes the index to `path` (fsynced) and returns its size in bytes. */
export async function writeIndex(path: string, input: IndexInput): Promise<number> {
  const pt = buildPairs(input.labels);
  const sym = buildSymbols(pt);
  const out = await BufferedFileWriter.create(path);
  try {
    const w = new ByteWriter(1 << 16);
    w.putU32(INDEX_MAGIC);
    w.putByte(INDEX_VERSION);
    w.putByte(0);
    w.putByte(0);
    w.putByte(0);
    const symbolsOff = w.len;
    encodeSymbols(sym.sorted, w);
    await out.write(w.bytes());

    // Series entries; remember each one's offset for the postings.
    const seriesOff = out.pos;
    const postings: number[][] = Array.from({ length: pt.count }, () => []);
    const all: number[] = [];
    const body = new ByteWriter(256);
    const pairs: number[] = [];
    for (let s = 0; s < input.labels.length; s++) {
      const f = input.labels[s]!.flat;
      pairs.length = 0;
      for (let i = 0; i < f.length; i += 2) pairs.push(pt.index.get(f[i]!)!.get(f[i + 1]!)!);
      const ref = out.pos;
      all.push(ref);
      for (const p of pairs) postings[p]!.push(ref);
      w.reset();
      const from = input.chunkStart[s]!;
      const to = input.chunkStart[s + 1]!;
      encodeSeries(w, body, pairs, input.meta, from, to, input.blockMinT);
      await out.write(w.bytes());
    }

    // Postings: the list of all series, then one list per label pair in pair order.
    const postingsOff = out.pos;
    w.reset();
    encodePostings(all, w);
    const allLen = w.len;
    await out.write(w.bytes());
    const lens = new Uint32Array(pt.count);
    for (let p = 0; p < pt.count; p++) {
      w.reset();
      encodePostings(postings[p]!, w);
      lens[p] = w.len;
      await out.write(w.bytes());
    }

    // Postings offset table.
    const tableOff = out.pos;
    w.reset();
    w.putU32(0);
    w.putUvarint(allLen);
    w.putUvarint(pt.names.length);
    let p = 0;
    for (let n = 0; n < pt.names.length; n++) {
      const vs = pt.values[n]!;
      w.putUvarint(sym.pos.get(pt.names[n]!)!);
      w.putUvarint(vs.length);
      let prevSym = 0;
      for (let v = 0; v < vs.length; v++) {
        const s = sym.pos.get(vs[v]!)!;
        w.putUvarint(v === 0 ? s : s - prevSym);
        prevSym = s;
        w.putUvarint(lens[p++]!);
      }
    }
    const tableBody = w.bytes().subarray(4);
    w.setU32(0, tableBody.length);
    w.putU32(checksum(w.bytes().subarray(4)));
    await out.write(w.bytes());

    // Table of contents.
    w.reset();
    w.putU64(symbolsOff);
    w.putU64(seriesOff);
    w.putU64(postingsOff);
    w.putU64(tableOff);
    w.putU32(checksum(w.bytes()));
    await out.write(w.bytes());
    const size = out.pos;
    await out.close();
    return size;
  } catch (err) {
    await out.abort();
    throw err;
  }
}
