/**
 * Grafana table transformations on Kansoku tables: joinByField, merge, groupBy, calculateField
 * (binary and row reduce), filterFieldsByName, sortBy and organize, applied in the panel's
 * order. Unsupported transformations are skipped and reported. DOM-free.
 */
import { optBool, optObject, optString, parseRegex } from './fieldconfig.js';
import { normalizeReducerId, reduce } from './reducers.js';
import { compareCells, type TableCell, type TableColumn, type TableData } from './table.js';

/** The transformations of a panel's JSON (enabled ones only). */
export function panelTransforms(
  panel: Record<string, unknown>,
): { id: string; options: Record<string, unknown> }[] {
  const list = Array.isArray(panel['transformations'])
    ? (panel['transformations'] as unknown[])
    : [];
  return list.flatMap((t) => {
    if (typeof t !== 'object' || t === null) return [];
    const r = t as Record<string, unknown>;
    if (typeof r['id'] !== 'string' || r['disabled'] === true) return [];
    return [{ id: r['id'], options: optObject(r, 'options') }];
  });
}

/** Ids of the transformations this module applies. */
export const SUPPORTED_TRANSFORMS: readonly string[] = [
  'merge',
  'joinByField',
  'seriesToColumns',
  'groupBy',
  'calculateField',
  'filterFieldsByName',
  'sortBy',
  'organize',
];

function col(t: TableData, name: string): number {
  const i = t.columns.findIndex((c) => c.name === name);
  return i >= 0 ? i : t.columns.findIndex((c) => c.key === name);
}

function isEmpty(v: TableCell | undefined): boolean {
  return v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v));
}

/** Rows with the same value in `field` become one row; the first non-empty cell wins. */
export function joinByField(t: TableData, field: string): TableData {
  const at = col(t, field);
  if (at < 0) return t;
  const byKey = new Map<string, TableCell[]>();
  for (const row of t.rows) {
    const key = String(row[at]);
    const prev = byKey.get(key);
    if (!prev) byKey.set(key, [...row]);
    else
      row.forEach((v, i) => {
        if (isEmpty(prev[i]) && !isEmpty(v)) prev[i] = v;
      });
  }
  return { columns: t.columns, rows: [...byKey.values()] };
}

/** Groups rows by the `groupby` fields and aggregates the others (`name (calc)` columns). */
export function groupBy(t: TableData, fields: Record<string, unknown>): TableData {
  const keys: number[] = [];
  const aggs: { at: number; calc: string }[] = [];
  for (const [name, spec] of Object.entries(fields)) {
    const at = col(t, name);
    if (at < 0 || typeof spec !== 'object' || spec === null) continue;
    const s = spec as Record<string, unknown>;
    if (s['operation'] === 'groupby') keys.push(at);
    else if (s['operation'] === 'aggregate' && Array.isArray(s['aggregations'])) {
      for (const c of s['aggregations'] as unknown[])
        if (typeof c === 'string') aggs.push({ at, calc: c });
    }
  }
  if (keys.length === 0) return t;
  const groups = new Map<string, TableCell[][]>();
  for (const row of t.rows) {
    const k = JSON.stringify(keys.map((i) => row[i]));
    const g = groups.get(k);
    if (g) g.push(row);
    else groups.set(k, [row]);
  }
  const columns: TableColumn[] = [
    ...keys.map((i) => t.columns[i]!),
    ...aggs.map(({ at, calc }) => {
      const c = t.columns[at]!;
      const name = `${c.name} (${calc})`;
      return { ...c, key: name, name, kind: 'value' as const };
    }),
  ];
  const rows = [...groups.values()].map((g) => {
    const first = g[0]!;
    const out: TableCell[] = keys.map((i) => first[i]!);
    for (const { at, calc } of aggs) {
      const vs = Float64Array.from(g, (r) => (typeof r[at] === 'number' ? r[at] : NaN));
      out.push(reduce(vs, new Float64Array(vs.length), calc) ?? NaN);
    }
    return out;
  });
  return { columns, rows };
}

const OPS: Readonly<Record<string, (a: number, b: number) => number>> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
  '^': (a, b) => a ** b,
};

/** Adds a computed column: `binary` (left op right, fields or numbers) or `reduceRow`. */
export function calculateField(t: TableData, o: Record<string, unknown>): TableData {
  const mode = optString(o, 'mode', 'reduceRow');
  let values: number[];
  let name: string;
  if (mode === 'binary') {
    const b = optObject(o, 'binary');
    const operand = (v: unknown): ((row: TableCell[]) => number) => {
      if (typeof v === 'number') return () => v;
      const s =
        typeof v === 'string'
          ? v
          : typeof v === 'object' && v !== null
            ? optString(
                v as Record<string, unknown>,
                'fixed',
                optString(v as Record<string, unknown>, 'matcher', ''),
              )
            : '';
      const at = col(t, s);
      if (at >= 0) return (row) => (typeof row[at] === 'number' ? row[at] : NaN);
      const n = Number(s);
      return () => (s !== '' && Number.isFinite(n) ? n : NaN);
    };
    const left = operand(b['left']);
    const right = operand(b['right']);
    const op = OPS[optString(b, 'operator', '+')] ?? OPS['+']!;
    values = t.rows.map((r) => op(left(r), right(r)));
    name =
      `${JSON.stringify(b['left'] ?? '')} ${optString(b, 'operator', '+')} ${JSON.stringify(b['right'] ?? '')}`.replaceAll(
        '"',
        '',
      );
  } else if (mode === 'reduceRow') {
    const r = optObject(o, 'reduce');
    const calc = normalizeReducerId(optString(r, 'reducer', 'sum'));
    const include = Array.isArray(r['include'])
      ? (r['include'] as unknown[]).filter((x): x is string => typeof x === 'string')
      : null;
    const cols = t.columns
      .map((c, i) => ({ c, i }))
      .filter(({ c }) => c.kind === 'value' && (!include || include.includes(c.name)));
    values = t.rows.map((row) => {
      const vs = Float64Array.from(cols, ({ i }) => (typeof row[i] === 'number' ? row[i] : NaN));
      return reduce(vs, new Float64Array(vs.length), calc) ?? NaN;
    });
    name = calc.charAt(0).toUpperCase() + calc.slice(1);
  } else {
    return t;
  }
  name = optString(o, 'alias', '') || name;
  const column: TableColumn = { key: name, name, kind: 'value' };
  if (optBool(o, 'replaceFields', false)) {
    const keep = t.columns.map((c, i) => ({ c, i })).filter(({ c }) => c.kind !== 'value');
    return {
      columns: [...keep.map(({ c }) => c), column],
      rows: t.rows.map((row, r) => [...keep.map(({ i }) => row[i]!), values[r]!]),
    };
  }
  return { columns: [...t.columns, column], rows: t.rows.map((row, r) => [...row, values[r]!]) };
}

/** Keeps the columns named in `include.names` or matching `include.pattern`. */
export function filterFieldsByName(t: TableData, o: Record<string, unknown>): TableData {
  const inc = optObject(o, 'include');
  const exc = optObject(o, 'exclude');
  const names = (x: Record<string, unknown>): string[] =>
    Array.isArray(x['names'])
      ? (x['names'] as unknown[]).filter((n): n is string => typeof n === 'string')
      : [];
  const incNames = names(inc);
  const incRe = typeof inc['pattern'] === 'string' ? parseRegex(inc['pattern']) : null;
  const excNames = names(exc);
  const excRe = typeof exc['pattern'] === 'string' ? parseRegex(exc['pattern']) : null;
  const hasInclude = incNames.length > 0 || incRe !== null;
  const keep = t.columns
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => {
      if (excNames.includes(c.name) || excRe?.test(c.name) === true) return false;
      return !hasInclude || incNames.includes(c.name) || incRe?.test(c.name) === true;
    });
  return {
    columns: keep.map(({ c }) => c),
    rows: t.rows.map((row) => keep.map(({ i }) => row[i]!)),
  };
}

/** Sorts rows by the first `sort` entry. */
export function sortBy(t: TableData, o: Record<string, unknown>): TableData {
  const first = Array.isArray(o['sort']) ? (o['sort'] as unknown[])[0] : undefined;
  if (typeof first !== 'object' || first === null) return t;
  const s = first as Record<string, unknown>;
  const at = col(t, optString(s, 'field', ''));
  if (at < 0) return t;
  const sign = s['desc'] === true ? -1 : 1;
  return {
    columns: t.columns,
    rows: t.rows.slice().sort((a, b) => sign * compareCells(a[at], b[at])),
  };
}

/** Hides, renames and reorders columns (`organize`). */
export function organizeColumns(t: TableData, o: Record<string, unknown>): TableData {
  const exclude = optObject(o, 'excludeByName');
  const rename = optObject(o, 'renameByName');
  const index = optObject(o, 'indexByName');
  const pos = (c: TableColumn, i: number): number => {
    const v = index[c.key] ?? index[c.name];
    return typeof v === 'number' ? v : 1000 + i;
  };
  const order = t.columns
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => exclude[c.key] !== true && exclude[c.name] !== true)
    .sort((a, b) => pos(a.c, a.i) - pos(b.c, b.i));
  const columns = order.map(({ c }) => {
    const r = rename[c.name] ?? rename[c.key];
    return typeof r === 'string' && r !== '' ? { ...c, name: r, key: r } : c;
  });
  return { columns, rows: t.rows.map((row) => order.map(({ i }) => row[i]!)) };
}

/** Applies the panel's transformations in order; returns the table and the skipped ids. */
export function applyTransforms(
  t: TableData,
  panel: Record<string, unknown>,
): { table: TableData; skipped: string[] } {
  const skipped: string[] = [];
  let table = t;
  for (const { id, options } of panelTransforms(panel)) {
    switch (id) {
      case 'merge':
        break;
      case 'joinByField':
      case 'seriesToColumns': {
        const field = optString(options, 'byField', '');
        if (field) table = joinByField(table, field);
        break;
      }
      case 'groupBy':
        table = groupBy(table, optObject(options, 'fields'));
        break;
      case 'calculateField':
        table = calculateField(table, options);
        break;
      case 'filterFieldsByName':
        table = filterFieldsByName(table, options);
        break;
      case 'sortBy':
        table = sortBy(table, options);
        break;
      case 'organize':
        table = organizeColumns(table, options);
        break;
      default:
        skipped.push(id);
    }
  }
  return { table, skipped };
}
