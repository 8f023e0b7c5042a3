/**
 * Template variables without I/O: what a `query` variable asks the server
 * (`label_values`, `label_names`, `metrics`, `query_result`), how results become options
 * (regex extraction, sorting, "All"), which value is selected (URL, saved current, first
 * option), and in which order chained variables refresh. Pure functions, no DOM.
 */
import { calculateIntervalMs, formatDuration, parseDurationMs } from './interval.js';
import { referencedVariables, type VariableValue } from './interpolate.js';
import { type VariableModel, type VariableOption, variableQueryText } from './model.js';

/** The value Grafana writes in URLs and `current` for "All". */
export const ALL_VALUE = '$__all';

/** What a query variable asks the Prometheus API. */
export type VariableQuery =
  | { readonly kind: 'label_values'; readonly label: string; readonly match?: string }
  | { readonly kind: 'label_names'; readonly match?: string }
  | { readonly kind: 'metrics'; readonly regex: string }
  | { readonly kind: 'query_result'; readonly expr: string }
  | { readonly kind: 'series'; readonly match: string };

/**
 * Reads a Prometheus variable query (after interpolation). A bare selector or expression
 * (Grafana treats it as a series lookup) becomes `series`.
 */
export function parseVariableQuery(text: string): VariableQuery | undefined {
  const q = text.trim();
  if (q === '') return undefined;
  let m = /^label_names\(\s*(.*?)\s*\)$/s.exec(q);
  if (m) return m[1] ? { kind: 'label_names', match: m[1] } : { kind: 'label_names' };
  m = /^label_values\(\s*(?:(.+),\s*)?([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$/s.exec(q);
  if (m) {
    const label = m[2] ?? '';
    return m[1]
      ? { kind: 'label_values', label, match: m[1].trim() }
      : { kind: 'label_values', label };
  }
  m = /^metrics\(\s*(.*?)\s*\)$/s.exec(q);
  if (m) return { kind: 'metrics', regex: m[1] ?? '' };
  m = /^query_result\(\s*(.+)\s*\)$/s.exec(q);
  if (m) return { kind: 'query_result', expr: m[1] ?? '' };
  return { kind: 'series', match: q };
}

/**
 * Parses a variable's `regex` (`/pattern/flags` or a bare pattern); undefined when empty or
 * invalid.
 */
export function parseRegex(text: string | undefined): RegExp | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const m = /^\/(.*)\/([gimsuy]*)$/s.exec(text.trim());
  try {
    return m ? new RegExp(m[1] ?? '', (m[2] ?? '').replace('g', '')) : new RegExp(text);
  } catch {
    return undefined;
  }
}

/**
 * Turns raw strings into options: a regex keeps matching strings only and extracts the first
 * capture group (or the named groups `text` and `value`); duplicates are dropped; then sorted.
 */
export function optionsFromValues(
  raw: readonly string[],
  regex: string | undefined,
  sort: number | undefined,
): VariableOption[] {
  const re = parseRegex(regex);
  const seen = new Set<string>();
  const out: VariableOption[] = [];
  for (const s of raw) {
    let text = s;
    let value = s;
    if (re) {
      const m = re.exec(s);
      if (!m) continue;
      const groups = m.groups;
      if (groups && (groups['value'] !== undefined || groups['text'] !== undefined)) {
        value = groups['value'] ?? groups['text'] ?? s;
        text = groups['text'] ?? value;
      } else {
        value = m[1] ?? m[0];
        text = value;
      }
    }
    if (seen.has(value)) continue;
    seen.add(value);
    out.push({ text, value });
  }
  return sortOptions(out, sort ?? 0);
}

/** Grafana's sort orders: 1/2 alphabetical, 3/4 numerical, 5/6 case-insensitive (asc/desc). */
export function sortOptions(opts: VariableOption[], sort: number): VariableOption[] {
  if (sort <= 0) return opts;
  const num = (s: string): number => {
    const m = /-?\d+(\.\d+)?/.exec(s);
    return m ? Number(m[0]) : -Infinity;
  };
  const cmp: (a: VariableOption, b: VariableOption) => number =
    sort === 3 || sort === 4
      ? (a, b) => num(a.text) - num(b.text)
      : sort === 5 || sort === 6
        ? (a, b) => a.text.toLowerCase().localeCompare(b.text.toLowerCase())
        : (a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);
  const sorted = [...opts].sort(cmp);
  return sort % 2 === 0 ? sorted.reverse() : sorted;
}

/** Splits a custom variable's query: comma separated, `\,` escapes a comma, `text : value` pairs. */
export function customOptions(query: string): VariableOption[] {
  const out: VariableOption[] = [];
  for (const m of query.matchAll(/(?:\\,|[^,])+/g)) {
    const part = m[0].replace(/\\,/g, ',').trim();
    if (part === '') continue;
    const kv = /^(.+?)\s+:\s+(.+)$/.exec(part);
    out.push(
      kv
        ? { text: (kv[1] ?? '').trim(), value: (kv[2] ?? '').trim() }
        : { text: part, value: part },
    );
  }
  return out;
}

/** Options of an interval variable; `auto` first when enabled. */
export function intervalOptions(v: VariableModel): VariableOption[] {
  const opts = customOptions(variableQueryText(v));
  return v.auto === true ? [{ text: 'auto', value: '$__auto_interval' }, ...opts] : opts;
}

/** The value of an interval variable's auto option for a range (Grafana's auto_count / auto_min). */
export function autoInterval(v: VariableModel, rangeMs: number): string {
  const count = typeof v.auto_count === 'number' && v.auto_count > 0 ? v.auto_count : 30;
  const min = parseDurationMs(v.auto_min ?? '10s') ?? 10_000;
  return formatDuration(calculateIntervalMs(rangeMs, count, min));
}

/** A variable's options for an "All"-including list. */
export function withAll(v: VariableModel, opts: VariableOption[]): VariableOption[] {
  return v.includeAll === true ? [{ text: 'All', value: ALL_VALUE }, ...opts] : opts;
}

function asList(x: string | string[] | undefined): string[] {
  if (x === undefined) return [];
  return Array.isArray(x) ? x.filter((s) => typeof s === 'string') : [x];
}

/**
 * Picks the selection: URL values win, then the saved `current`, each kept only when the
 * options contain it (textbox and constant variables take any value); otherwise the first
 * option. Returns the selected values (`$__all` for All).
 */
export function selectValues(
  v: VariableModel,
  options: readonly VariableOption[],
  fromUrl: readonly string[] | undefined,
): string[] {
  const free = v.type === 'textbox' || v.type === 'constant' || v.type === 'adhoc';
  const valid = (vals: readonly string[]): string[] => {
    if (free) return [...vals];
    const known = vals.filter((x) =>
      options.some((o) => o.value === x || (x === ALL_VALUE && v.includeAll === true)),
    );
    if (known.includes(ALL_VALUE)) return [ALL_VALUE];
    return v.multi === true ? known : known.slice(0, 1);
  };
  for (const cand of [fromUrl, asList(v.current?.value)]) {
    if (cand === undefined || cand.length === 0) continue;
    const ok = valid(cand);
    if (ok.length > 0) return ok;
  }
  if (free) return [variableQueryText(v)];
  const first = options[0];
  return first ? [first.value] : [];
}

/**
 * The interpolation value of a variable: All expands to every option's value (for formats
 * like `pipe`) and carries the custom all value; `$__auto_interval` becomes the computed one.
 */
export function variableValue(
  v: VariableModel,
  options: readonly VariableOption[],
  selected: readonly string[],
  rangeMs: number,
): VariableValue {
  const isAll = selected.includes(ALL_VALUE);
  const concrete = options.filter((o) => o.value !== ALL_VALUE);
  let values = isAll ? concrete.map((o) => o.value) : [...selected];
  if (v.type === 'interval')
    values = values.map((x) => (x === '$__auto_interval' ? autoInterval(v, rangeMs) : x));
  const texts = isAll ? ['All'] : values.map((x) => options.find((o) => o.value === x)?.text ?? x);
  const out: {
    values: string[];
    texts: string[];
    isAll: boolean;
    multi: boolean;
    allValue?: string;
  } = {
    values,
    texts,
    isAll,
    multi: v.multi === true || v.includeAll === true,
  };
  if (typeof v.allValue === 'string' && v.allValue !== '') out.allValue = v.allValue;
  return out;
}

/** The text a variable's query refers to (query, regex), for dependency tracking. */
function dependencyText(v: VariableModel): string {
  return `${variableQueryText(v)} ${v.regex ?? ''}`;
}

/** The names of other variables that `v` depends on. */
export function dependencies(v: VariableModel, names: ReadonlySet<string>): string[] {
  if (v.type !== 'query') return [];
  return referencedVariables(dependencyText(v)).filter((n) => n !== v.name && names.has(n));
}

/**
 * Orders variables so every one comes after those it depends on (stable otherwise); cycles
 * are broken by the dashboard order.
 */
export function refreshOrder(vars: readonly VariableModel[]): VariableModel[] {
  const names = new Set(vars.map((v) => v.name));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: VariableModel[] = [];
  const byName = new Map(vars.map((v) => [v.name, v]));
  const visit = (v: VariableModel): void => {
    if (done.has(v.name) || visiting.has(v.name)) return;
    visiting.add(v.name);
    for (const d of dependencies(v, names)) {
      const dv = byName.get(d);
      if (dv) visit(dv);
    }
    visiting.delete(v.name);
    done.add(v.name);
    out.push(v);
  };
  for (const v of vars) visit(v);
  return out;
}

/** The variables that must refresh when `changed` changes (directly or through others), in order. */
export function dependents(vars: readonly VariableModel[], changed: string): VariableModel[] {
  const names = new Set(vars.map((v) => v.name));
  const hit = new Set([changed]);
  const out: VariableModel[] = [];
  for (const v of refreshOrder(vars)) {
    if (dependencies(v, names).some((d) => hit.has(d))) {
      hit.add(v.name);
      out.push(v);
    }
  }
  return out;
}

/** Formats one instant-query result row for `query_result()` the way Grafana does: `metric{labels} value timestamp`. */
export function queryResultLine(
  labels: Readonly<Record<string, string>>,
  value: string,
  timeSec: number,
): string {
  const name = labels['__name__'] ?? '';
  const parts = Object.entries(labels)
    .filter(([k]) => k !== '__name__')
    .map(([k, v]) => `${k}="${v}"`);
  return `${name}{${parts.join(',')}} ${value} ${Math.round(timeSec * 1000)}`;
}
