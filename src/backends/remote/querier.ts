/**
 * The read side of the remote backend: a `Querier` that pushes matchers and the time range
 * down to the backend and answers label lookups through its `/api/v1/labels`,
 * `/api/v1/label/<name>/values` and `/api/v1/series` endpoints.
 */
import { Matcher, type Labels } from '../../model/index.js';
import {
  emptySeriesSet,
  type LabelHints,
  type Querier,
  type SelectHints,
  type SeriesSet,
} from '../../storage/index.js';
import type { RemoteHttpClient } from './http.js';
import type { RawReadMethod } from './options.js';
import { readRaw, selectorOf } from './readers.js';
import { buildSeriesSet, labelsOnlySeriesSet } from './series.js';

/** Earliest and latest times sent to the label APIs (ms): 1 s (VictoriaMetrics reads 0 as "not given") and about 2100. */
const API_MIN_TIME = 1000;
const API_MAX_TIME = 4_102_444_800_000;

/** What a remote querier needs; shared by all queriers of one storage. */
export interface RemoteReadContext {
  readonly client: RemoteHttpClient;
  readonly method: RawReadMethod;
  readonly readUrl: string;
  readonly externalLabels: Labels;
}

/**
 * A querier over [mint, maxt] of a remote backend. Every call is one or two HTTP requests; the
 * querier holds no resources (`close()` only marks it closed). Safe for concurrent use.
 */
export class RemoteQuerier implements Querier {
  private readonly extMatchers: Matcher[] = [];
  private readonly extNames: string[] = [];

  constructor(
    private readonly ctx: RemoteReadContext,
    private readonly mint: number,
    private readonly maxt: number,
  ) {
    ctx.externalLabels.forEach((n, v) => {
      this.extMatchers.push(new Matcher('=', n, v));
      this.extNames.push(n);
    });
  }

  async select(
    _sorted: boolean,
    hints: SelectHints | undefined,
    matchers: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<SeriesSet> {
    signal?.throwIfAborted();
    if (matchers.length === 0) return emptySeriesSet();
    const start = Math.max(this.mint, hints?.start ?? this.mint);
    const end = Math.min(this.maxt, hints?.end ?? this.maxt);
    if (start > end) return emptySeriesSet();
    const all = [...matchers, ...this.extMatchers];
    const limit = hints?.limit ?? 0;
    if (hints?.func === 'series') {
      return labelsOnlySeriesSet(
        await this.seriesLabels(all, start, end, signal),
        this.extNames,
        limit,
      );
    }
    const raw = await readRaw(
      this.ctx.client,
      this.ctx.method,
      this.ctx.readUrl,
      start,
      end,
      all,
      hints,
      signal,
    );
    return buildSeriesSet(raw, start, end, this.extNames, limit);
  }

  async labelNames(matchers: readonly Matcher[], hints?: LabelHints): Promise<string[]> {
    const ext = new Set(this.extNames);
    let names: string[];
    if (this.ctx.method === 'export' && matchers.length > 0) {
      // VictoriaMetrics' /api/v1/labels answers `__name__` even when no series matches; the
      // series API gives the exact set.
      const set = new Set<string>();
      for (const f of await this.seriesLabels(
        [...matchers, ...this.extMatchers],
        this.mint,
        this.maxt,
        undefined,
      )) {
        for (let i = 0; i < f.length; i += 2) set.add(f[i]!);
      }
      names = sortedUnique([...set]);
    } else {
      names = stringList(await this.api('/api/v1/labels', matchers));
    }
    return limited(
      names.filter((n) => !ext.has(n)),
      hints,
    );
  }

  async labelValues(
    name: string,
    matchers: readonly Matcher[],
    hints?: LabelHints,
  ): Promise<string[]> {
    const doc = await this.api(`/api/v1/label/${encodeURIComponent(name)}/values`, matchers);
    return limited(stringList(doc), hints);
  }

  close(): void {}

  /** Label sets of the series matching in [start, end], through `/api/v1/series`. */
  private async seriesLabels(
    matchers: readonly Matcher[],
    start: number,
    end: number,
    signal: AbortSignal | undefined,
  ): Promise<string[][]> {
    const form = this.form(matchers, start, end);
    const res = await this.ctx.client.request(`${this.ctx.readUrl}/api/v1/series`, {
      method: 'POST',
      body: form.toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      signal,
    });
    const doc: unknown = JSON.parse(res.body.toString('utf8'));
    const data =
      typeof doc === 'object' && doc !== null ? (doc as { data?: unknown }).data : undefined;
    if (!Array.isArray(data))
      throw new Error('cannot read series from the remote backend: data is not a list');
    const out: string[][] = [];
    for (const m of data as unknown[]) {
      if (typeof m !== 'object' || m === null) continue;
      const flat: string[] = [];
      for (const [k, v] of Object.entries(m)) flat.push(k, String(v));
      out.push(flat);
    }
    return out;
  }

  private form(matchers: readonly Matcher[], start: number, end: number): URLSearchParams {
    const form = new URLSearchParams();
    if (matchers.length > 0) form.set('match[]', selectorOf(matchers));
    form.set('start', (Math.max(start, API_MIN_TIME) / 1000).toFixed(3));
    form.set('end', (Math.min(end, API_MAX_TIME) / 1000).toFixed(3));
    return form;
  }

  private async api(path: string, matchers: readonly Matcher[]): Promise<unknown> {
    const all =
      matchers.length > 0 || this.extMatchers.length > 0 ? [...matchers, ...this.extMatchers] : [];
    const form = this.form(all, this.mint, this.maxt);
    // GET: Prometheus serves the label values endpoint only for GET.
    const res = await this.ctx.client.request(`${this.ctx.readUrl}${path}?${form.toString()}`);
    return JSON.parse(res.body.toString('utf8'));
  }
}

function stringList(doc: unknown): string[] {
  const data =
    typeof doc === 'object' && doc !== null ? (doc as { data?: unknown }).data : undefined;
  if (!Array.isArray(data))
    throw new Error('cannot read labels from the remote backend: data is not a list');
  return sortedUnique((data as unknown[]).filter((s): s is string => typeof s === 'string'));
}

function sortedUnique(list: readonly string[]): string[] {
  return [...new Set(list)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function limited(list: string[], hints: LabelHints | undefined): string[] {
  const limit = hints?.limit ?? 0;
  if (limit > 0 && list.length > limit) list.length = limit;
  return list;
}
