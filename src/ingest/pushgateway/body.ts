/**
 * Pushed bodies (Prometheus text format) → metric families of one group, with the group's
 * labels put onto every series the way Pushgateway does: a grouping label replaces a pushed
 * label of the same name.
 */
import { ExpositionError, PromTextParser, type MetricType } from '../../parsers/index.js';
import type { GroupingKey } from './path.js';

/** One metric family of a group. `values[i]` belongs to `series[i]`. */
export interface PushedFamily {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  /** Each series' labels as a flat `[name, value, …]` array sorted by name, `__name__` included. */
  readonly series: readonly (readonly string[])[];
  readonly values: Float64Array;
}

/** What a push body holds, or why it was refused. */
export type ParsedPush =
  | { readonly ok: true; readonly families: Map<string, PushedFamily> }
  | { readonly ok: false; readonly kind: 'syntax' | 'invalid'; readonly message: string };

interface Building {
  name: string;
  type: MetricType;
  help: string;
  series: string[][];
  valueBits: Float64Array;
}

/** Which family a series belongs to, given the family announced last. */
function familyOf(name: string, cur: Building | undefined): string {
  if (cur === undefined) return name;
  if (name === cur.name) return cur.name;
  const suffixes =
    cur.type === 'histogram' || cur.type === 'gaugehistogram'
      ? ['_bucket', '_sum', '_count']
      : cur.type === 'summary'
        ? ['_sum', '_count']
        : [];
  for (const s of suffixes) if (name === cur.name + s) return cur.name;
  return name;
}

/**
 * Parses a push body. Syntax errors are `syntax`; samples with timestamps and series that
 * repeat within the push are `invalid` (Pushgateway refuses both).
 */
export function parsePushBody(body: string, group: GroupingKey): ParsedPush {
  const fams = new Map<string, Building>();
  const seen = new Set<string>();
  const parser = new PromTextParser(body);
  let cur: Building | undefined;
  const get = (name: string): Building => {
    let f = fams.get(name);
    if (f === undefined) {
      f = { name, type: 'unknown', help: '', series: [], valueBits: new Float64Array(8) };
      fams.set(name, f);
    }
    return f;
  };
  try {
    for (;;) {
      const k = parser.next();
      if (k === 'end') break;
      if (k === 'type') {
        cur = get(parser.metricName());
        cur.type = parser.metricType();
        continue;
      }
      if (k === 'help') {
        cur = get(parser.metricName());
        cur.help = parser.text();
        continue;
      }
      if (k !== 'series') continue;
      if (parser.timestampMs() !== undefined) {
        return { ok: false, kind: 'invalid', message: 'pushed metrics must not have timestamps' };
      }
      const name = parser.metricName();
      const f = get(familyOf(name, cur));
      const labels = new Map<string, string>();
      const flat = parser.labels([]);
      for (let i = 0; i < flat.length; i += 2) labels.set(flat[i]!, flat[i + 1]!);
      for (const [n, v] of group.labels) labels.set(n, v);
      labels.set('__name__', name);
      const sorted = [...labels.entries()]
        .filter(([, v]) => v !== '')
        .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .flat();
      const id = sorted.join('\u0000');
      if (seen.has(id)) {
        return {
          ok: false,
          kind: 'invalid',
          message: `series ${JSON.stringify(sorted)} was pushed more than once`,
        };
      }
      seen.add(id);
      const n = f.series.length;
      if (n === f.valueBits.length) {
        const b = new Float64Array(n * 2);
        b.set(f.valueBits);
        f.valueBits = b;
      }
      f.valueBits[n] = parser.value();
      f.series.push(sorted);
    }
  } catch (e) {
    if (!(e instanceof ExpositionError)) throw e;
    return { ok: false, kind: 'syntax', message: e.message };
  }
  const out = new Map<string, PushedFamily>();
  for (const f of fams.values()) {
    if (f.series.length === 0) continue;
    out.set(f.name, {
      name: f.name,
      type: f.type,
      help: f.help,
      series: f.series,
      values: f.valueBits.slice(0, f.series.length),
    });
  }
  return { ok: true, families: out };
}
