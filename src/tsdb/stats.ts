/** Statistics of the database for the TSDB status page (`/api/v1/status/tsdb`). */
import { METRIC_NAME } from '../model/index.js';
import type { BlockMeta } from './block/index.js';
import type { BlockSet } from './blockset.js';
import type { Head } from './head/index.js';

/** A name with a count, as in Prometheus' TSDB status. */
export interface NameCount {
  readonly name: string;
  readonly value: number;
}

/** Statistics of the database. Cardinality lists hold the top 10, largest first. */
export interface TsdbStats {
  /** Series in the head. */
  readonly numSeries: number;
  /** Distinct label name/value pairs in the head. */
  readonly numLabelPairs: number;
  /** Smallest and largest timestamps in the head (ms), undefined when empty. */
  readonly headMinTime: number | undefined;
  readonly headMaxTime: number | undefined;
  /** Samples held in the head. */
  readonly numSamples: number;
  /** Chunks held in the head (full, open and out-of-order). */
  readonly chunks: number;
  /** Bytes of chunk data held in the head. */
  readonly chunkBytes: number;
  /** Metadata of the persisted blocks, oldest first. */
  readonly blocks: readonly BlockMeta[];
  /** Bytes of the WAL on disk. */
  readonly walBytes: number;
  /** Bytes of all blocks on disk. */
  readonly blockBytes: number;
  /** Head series per metric name. */
  readonly seriesCountByMetricName: readonly NameCount[];
  /** Distinct values per label name. */
  readonly labelValueCountByLabelName: readonly NameCount[];
  /** Bytes of label values (UTF-16 length × 2 summed over distinct values) per label name. */
  readonly memoryInBytesByLabelName: readonly NameCount[];
  /** Head series per `name=value` pair. */
  readonly seriesCountByLabelValuePair: readonly NameCount[];
}

const TOP = 10;

/** Computes the statistics (walks every head series: O(series + chunks)). */
export function computeStats(head: Head, blocks: BlockSet, walBytes: number): TsdbStats {
  let numSamples = 0;
  let chunks = 0;
  let chunkBytes = 0;
  const count = (c: Uint8Array): void => {
    numSamples += (c[1]! << 8) | c[2]!;
    chunks++;
    chunkBytes += c.length;
  };
  for (const s of head.allSeries()) {
    for (const c of s.chunks ?? []) count(c);
    if (s.enc !== undefined && s.enc.numSamples > 0) count(s.enc.view());
    if (s.ooo !== undefined) {
      for (const c of s.ooo.chunks) count(c);
      numSamples += s.ooo.n;
    }
  }
  const index = head.index;
  const byMetric: NameCount[] = [];
  for (const [v, p] of index.valuesOf(METRIC_NAME) ?? [])
    byMetric.push({ name: v, value: p.length });
  const valueCounts: NameCount[] = [];
  const memory: NameCount[] = [];
  const pairs: NameCount[] = [];
  let numLabelPairs = 0;
  for (const name of index.labelNames()) {
    const values = index.valuesOf(name);
    if (values === undefined) continue;
    valueCounts.push({ name, value: values.size });
    numLabelPairs += values.size;
    let bytes = 0;
    for (const [v, p] of values) {
      bytes += v.length * 2;
      pairs.push({ name: `${name}=${v}`, value: p.length });
    }
    memory.push({ name, value: bytes });
  }
  const list = blocks.list();
  return {
    numSeries: head.numSeries,
    numLabelPairs,
    headMinTime: head.minTime(),
    headMaxTime: head.maxTime(),
    numSamples,
    chunks,
    chunkBytes,
    blocks: list.map((b) => b.meta),
    walBytes,
    blockBytes: blocks.sizeBytes(),
    seriesCountByMetricName: top(byMetric),
    labelValueCountByLabelName: top(valueCounts),
    memoryInBytesByLabelName: top(memory),
    seriesCountByLabelValuePair: top(pairs),
  };
}

function top(list: NameCount[]): NameCount[] {
  list.sort((a, b) => b.value - a.value || (a.name < b.name ? -1 : 1));
  return list.slice(0, TOP);
}
