/**
 * Merging of the samples of one series coming from several sources (head and blocks, or several
 * backends) into one time-ordered cursor.
 */
import type { Labels } from '../model/index.js';
import type { SampleIterator, Series, ValueType } from './interface.js';

/**
 * A sample iterator over several iterators of the same series, yielding their samples in time
 * order. When several inputs hold the same timestamp, the sample of the earliest input in the
 * list wins and the others are skipped (Prometheus' chained merge, with a deterministic tie).
 *
 * It keeps a binary heap of input indices ordered by (current timestamp, input index): no
 * allocation per sample. `seek` re-seeks every live input and rebuilds the heap, O(k). Takes
 * ownership of the input iterators. Synchronous; not safe for use from two places at once.
 */
export class ChainSampleIterator implements SampleIterator {
  /** Indices of the inputs positioned on a not-yet-passed sample, as a binary min-heap. */
  private readonly heap: number[] = [];
  private started = false;
  private exhausted = false;
  private lastT = 0;

  constructor(private readonly its: readonly SampleIterator[]) {}

  next(): ValueType {
    if (this.exhausted) return 'none';
    if (!this.started) {
      this.started = true;
      for (let i = 0; i < this.its.length; i++) {
        if (this.its[i]!.next() !== 'none') this.heap.push(i);
      }
      this.heapify();
    } else {
      // Move every input off the sample just returned (and off its duplicates in later inputs).
      const heap = this.heap;
      while (heap.length > 0 && this.its[heap[0]!]!.atT() <= this.lastT) {
        if (this.its[heap[0]!]!.next() === 'none') this.popTop();
        else this.siftDown(0);
      }
    }
    return this.settle();
  }

  seek(t: number): ValueType {
    if (this.exhausted) return 'none';
    if (this.started && this.heap.length > 0 && this.lastT >= t) return 'float';
    const heap = this.heap;
    if (!this.started) {
      this.started = true;
      for (let i = 0; i < this.its.length; i++) heap.push(i);
    }
    let w = 0;
    for (let r = 0; r < heap.length; r++) {
      const i = heap[r]!;
      if (this.its[i]!.seek(t) !== 'none') heap[w++] = i;
    }
    heap.length = w;
    this.heapify();
    return this.settle();
  }

  atT(): number {
    const top = this.heap[0];
    return top === undefined ? Number.NaN : this.its[top]!.atT();
  }

  atF(): number {
    const top = this.heap[0];
    return top === undefined ? Number.NaN : this.its[top]!.atF();
  }

  /** The first error of any input. */
  err(): Error | undefined {
    for (const it of this.its) {
      const e = it.err();
      if (e) return e;
    }
    return undefined;
  }

  private settle(): ValueType {
    const top = this.heap[0];
    if (top === undefined) {
      this.exhausted = true;
      return 'none';
    }
    this.lastT = this.its[top]!.atT();
    return 'float';
  }

  private less(a: number, b: number): boolean {
    const ta = this.its[a]!.atT();
    const tb = this.its[b]!.atT();
    return ta < tb || (ta === tb && a < b);
  }

  private heapify(): void {
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private popTop(): void {
    const last = this.heap.pop();
    if (last !== undefined && this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
  }

  private siftDown(i: number): void {
    const h = this.heap;
    const n = h.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      const r = l + 1;
      const m = r < n && this.less(h[r]!, h[l]!) ? r : l;
      if (!this.less(h[m]!, h[i]!)) return;
      const tmp = h[i]!;
      h[i] = h[m]!;
      h[m] = tmp;
      i = m;
    }
  }
}

/**
 * One series made of several series with the same labels (from different sources). Its
 * iterator merges theirs with `ChainSampleIterator`: on equal timestamps the first series wins.
 */
export class ChainedSeries implements Series {
  constructor(
    readonly labels: Labels,
    private readonly parts: readonly Series[],
  ) {}

  iterator(): SampleIterator {
    return new ChainSampleIterator(this.parts.map((s) => s.iterator()));
  }
}
