/**
 * Read restrictions of API tokens: a token limited to label matchers (for example
 * `{tenant="a"}`) sees only series matching all of them. The restriction is a decorator of the
 * storage seam: every select and label lookup of the current request gets the token's matchers
 * added, so PromQL, series, labels, export and remote read all see the same restricted view.
 */
import type { Principal } from '../../auth/index.js';
import type { Matcher } from '../../model/index.js';
import { parseMetricSelector } from '../../promql/parser/index.js';
import type { LabelHints, Querier, SelectHints, SeriesSet, Storage } from '../../storage/index.js';

/** Parses a token's matcher strings (`{a="b"}` or `a="b"`) into label matchers. */
export function parseTokenMatchers(texts: readonly string[]): Matcher[] {
  const out: Matcher[] = [];
  for (const t of texts) {
    const s = t.trim();
    out.push(...parseMetricSelector(s.startsWith('{') ? s : `{${s}}`));
  }
  return out;
}

class RestrictedQuerier implements Querier {
  constructor(
    private readonly inner: Querier,
    private readonly extra: readonly Matcher[],
  ) {}

  select(
    sorted: boolean,
    hints: SelectHints | undefined,
    matchers: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<SeriesSet> {
    // An empty list selects nothing; keep it empty rather than selecting by the extras alone.
    const m = matchers.length === 0 ? matchers : [...matchers, ...this.extra];
    return this.inner.select(sorted, hints, m, signal);
  }

  labelValues(name: string, matchers: readonly Matcher[], hints?: LabelHints): Promise<string[]> {
    return this.inner.labelValues(name, [...matchers, ...this.extra], hints);
  }

  labelNames(matchers: readonly Matcher[], hints?: LabelHints): Promise<string[]> {
    return this.inner.labelNames([...matchers, ...this.extra], hints);
  }

  close(): void {
    this.inner.close();
  }
}

/** A storage whose reads are restricted to `extra` matchers; writes pass through. */
export class RestrictedStorage implements Storage {
  constructor(
    private readonly inner: Storage,
    private readonly extra: readonly Matcher[],
  ) {}

  async querier(mint: number, maxt: number): Promise<Querier> {
    return new RestrictedQuerier(await this.inner.querier(mint, maxt), this.extra);
  }

  appender(): ReturnType<Storage['appender']> {
    return this.inner.appender();
  }

  startTime(): number | undefined {
    return this.inner.startTime();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/**
 * Wraps a storage getter: during a request by a token with matchers, the storage it returns is
 * restricted to them; otherwise it is the storage itself.
 */
export function restrictedStorage(
  get: () => Storage | undefined,
  principal: () => Principal | undefined,
): () => Storage | undefined {
  const cache = new Map<string, Matcher[]>();
  return () => {
    const s = get();
    const p = principal();
    if (!s || p?.kind !== 'token' || p.matchers.length === 0) return s;
    let m = cache.get(p.tokenId);
    if (!m) {
      m = parseTokenMatchers(p.matchers);
      if (cache.size > 1000) cache.clear();
      cache.set(p.tokenId, m);
    }
    return new RestrictedStorage(s, m);
  };
}

/** Whether the principal's reads are restricted to label matchers. */
export function isRestricted(p: Principal | undefined): boolean {
  return p?.kind === 'token' && p.matchers.length > 0;
}

/**
 * Wraps a query push-down function (which hands whole queries to a remote engine, bypassing the
 * storage seam) so that it declines for restricted principals: their queries are evaluated
 * locally, through the restricted storage.
 */
export function localWhenRestricted<A extends unknown[], R>(
  fn: (...args: A) => Promise<R | undefined>,
  principal: () => Principal | undefined,
): (...args: A) => Promise<R | undefined> {
  return (...args) => (isRestricted(principal()) ? Promise.resolve(undefined) : fn(...args));
}
