/**
 * Samples of WAL replay, buffered across records and applied grouped by series. Consecutive
 * samples of a WAL record belong to different series, so applying them in log order touches
 * another series' open chunk for every sample; with tens of thousands of series those are cache
 * misses that dominate replay. A batch is sorted by series with a stable counting sort, which
 * keeps each series' samples in log order (the only order that matters for the result).
 */
import type { Head, HeadSeries } from './head/index.js';

/** Samples buffered before they are applied. */
const BATCH_SAMPLES = 1 << 18;
/** Above this series reference the batch is applied in log order (no counting array). */
const MAX_SORT_REF = 1 << 24;

/** See the module comment. Call `flush` before anything that depends on applied samples. */
export class ReplayBatch {
  private readonly refs = new Uint32Array(BATCH_SAMPLES);
  private readonly ts = new Float64Array(BATCH_SAMPLES);
  private readonly vs = new Float64Array(BATCH_SAMPLES);
  private readonly order = new Uint32Array(BATCH_SAMPLES);
  private counts = new Uint32Array(0);
  private n = 0;
  private maxRef = 0;

  constructor(private readonly head: Head) {}

  /** Buffers one sample of `s` (applying the batch when full). */
  add(s: HeadSeries, t: number, v: number): void {
    if (this.n === BATCH_SAMPLES) this.flush();
    const i = this.n++;
    const ref = s.ref;
    this.refs[i] = ref;
    this.ts[i] = t;
    this.vs[i] = v;
    if (ref > this.maxRef) this.maxRef = ref;
  }

  /** Applies every buffered sample to the head. */
  flush(): void {
    const n = this.n;
    if (n === 0) return;
    this.n = 0;
    const { refs, ts, vs, head } = this;
    const maxRef = this.maxRef;
    this.maxRef = 0;
    if (maxRef >= MAX_SORT_REF) {
      for (let i = 0; i < n; i++) this.apply(refs[i]!, ts[i]!, vs[i]!);
      return;
    }
    if (this.counts.length < maxRef + 2) this.counts = new Uint32Array(maxRef + 2 + (maxRef >> 2));
    const counts = this.counts;
    counts.fill(0, 0, maxRef + 2);
    for (let i = 0; i < n; i++) counts[refs[i]! + 1]!++;
    for (let r = 1; r <= maxRef + 1; r++) counts[r]! += counts[r - 1]!;
    const order = this.order;
    for (let i = 0; i < n; i++) order[counts[refs[i]!]!++] = i;
    let cur = -1;
    let s: HeadSeries | undefined = undefined;
    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      const ref = refs[i]!;
      if (ref !== cur) {
        cur = ref;
        s = head.seriesByRef(ref);
      }
      if (s !== undefined) head.applySample(s, ts[i]!, vs[i]!);
    }
  }

  private apply(ref: number, t: number, v: number): void {
    const s = this.head.seriesByRef(ref);
    if (s !== undefined) this.head.applySample(s, t, v);
  }
}
