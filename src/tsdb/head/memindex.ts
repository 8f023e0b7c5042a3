/**
 * The head's inverted index: label name → label value → sorted series references, plus matcher
 * evaluation over it (equality and set matches by lookup, regular expressions over the values
 * of one name, negations by subtraction).
 */
import { cmpStr, type Labels, type Matcher } from '../../model/index.js';
import {
  EMPTY_POSTINGS,
  MutablePostings,
  intersectPostings,
  subtractPostings,
  unionPostings,
  type PostingsList,
} from './postings.js';

/** Name/value pair whose postings hold every series (the `AllPostings` key). */
const ALL_KEY = '';

/** The head's inverted index. Synchronous; owned by the head. */
export class MemIndex {
  private readonly byName = new Map<string, Map<string, MutablePostings>>();
  private readonly all = new Map<string, MutablePostings>();

  /** Adds a series' labels under `ref` (refs are normally added in increasing order). */
  add(ref: number, labels: Labels): void {
    const f = labels.flat;
    for (let i = 0; i < f.length; i += 2) {
      const name = f[i]!;
      let values = this.byName.get(name);
      if (values === undefined) {
        values = new Map();
        this.byName.set(name, values);
      }
      const value = f[i + 1]!;
      const p = values.get(value);
      if (p === undefined) values.set(value, new MutablePostings(ref));
      else p.add(ref);
    }
    const a = this.all.get(ALL_KEY);
    if (a === undefined) this.all.set(ALL_KEY, new MutablePostings(ref));
    else a.add(ref);
  }

  /** Removes the given series (their labels are needed to find their lists). */
  remove(dead: ReadonlySet<number>, labelsOf: Iterable<Labels>): void {
    const isDead = (r: number): boolean => dead.has(r);
    const touched = new Set<string>();
    for (const ls of labelsOf) {
      const f = ls.flat;
      for (let i = 0; i < f.length; i += 2) touched.add(f[i]! + '\u0000' + f[i + 1]!);
    }
    for (const key of touched) {
      const cut = key.indexOf('\u0000');
      const name = key.slice(0, cut);
      const values = this.byName.get(name);
      const p = values?.get(key.slice(cut + 1));
      if (values === undefined || p === undefined) continue;
      if (p.removeIf(isDead) === 0) {
        values.delete(key.slice(cut + 1));
        if (values.size === 0) this.byName.delete(name);
      }
    }
    this.all.get(ALL_KEY)?.removeIf(isDead);
  }

  /** All series references. */
  allPostings(): PostingsList {
    return this.all.get(ALL_KEY)?.view() ?? EMPTY_POSTINGS;
  }

  /** Postings of one name/value pair. */
  postings(name: string, value: string): PostingsList {
    return this.byName.get(name)?.get(value)?.view() ?? EMPTY_POSTINGS;
  }

  /** Sorted label names. */
  labelNames(): string[] {
    return [...this.byName.keys()].sort(cmpStr);
  }

  /** Sorted values of a label name. */
  labelValues(name: string): string[] {
    const values = this.byName.get(name);
    return values === undefined ? [] : [...values.keys()].sort(cmpStr);
  }

  /** The values map of a name (for cardinality statistics); do not mutate. */
  valuesOf(name: string): ReadonlyMap<string, MutablePostings> | undefined {
    return this.byName.get(name);
  }

  /** Number of distinct label names. */
  get numNames(): number {
    return this.byName.size;
  }

  /**
   * Series references matching all matchers, sorted. Matchers that match the empty string also
   * select series without the label, as in PromQL.
   */
  postingsForMatchers(matchers: readonly Matcher[]): PostingsList {
    const its: PostingsList[] = [];
    const nots: PostingsList[] = [];
    // Matchers like `x=""` or `x!~".+"` select series that lack the label; when nothing but
    // such matchers is given, start from all series.
    let needAll = true;
    for (const m of matchers) {
      if (!m.matchesEmpty()) needAll = false;
    }
    if (needAll) its.push(this.allPostings());
    for (const m of matchers) {
      if (m.matchesEmpty()) {
        // Series without the label match too: subtract the series whose value does not match.
        nots.push(this.valuesNotMatching(m));
      } else {
        its.push(this.valuesMatching(m));
      }
    }
    let out = intersectPostings(its);
    for (const n of nots) out = subtractPostings(out, n);
    return out;
  }

  /** Series whose value of `m.name` is set and matches `m`. */
  private valuesMatching(m: Matcher): PostingsList {
    if (m.type === '=') return this.postings(m.name, m.value);
    if (m.type === '=~' && m.setMatches !== undefined) return this.setUnion(m.name, m.setMatches);
    return this.predicateUnion(m.name, (v) => m.matches(v));
  }

  /** Series whose value of `m.name` is set and does not match `m`. */
  private valuesNotMatching(m: Matcher): PostingsList {
    if (m.type === '!=') return this.postings(m.name, m.value);
    if (m.type === '!~' && m.setMatches !== undefined) return this.setUnion(m.name, m.setMatches);
    return this.predicateUnion(m.name, (v) => !m.matches(v));
  }

  /** Set-match fast path (`=~"a|b|c"`): union of the listed values' postings by lookup. */
  private setUnion(name: string, set: readonly string[]): PostingsList {
    const values = this.byName.get(name);
    if (values === undefined) return EMPTY_POSTINGS;
    const lists: PostingsList[] = [];
    for (const v of set) {
      const p = values.get(v);
      if (p !== undefined) lists.push(p.view());
    }
    return unionPostings(lists);
  }

  /** Union of the postings of every value of `name` accepted by `accept`. */
  private predicateUnion(name: string, accept: (v: string) => boolean): PostingsList {
    const values = this.byName.get(name);
    if (values === undefined) return EMPTY_POSTINGS;
    const lists: PostingsList[] = [];
    for (const [v, p] of values) if (accept(v)) lists.push(p.view());
    return unionPostings(lists);
  }
}
