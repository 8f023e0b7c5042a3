/**
 * The PromQL of dashboards: every query of a dashboard (panel targets and query variables), the
 * substitution of template variables by placeholder values so the text can be parsed, and the
 * metric names a set of expressions selects.
 */
import { METRIC_NAME, type Matcher } from '../model/index.js';
import { children, parseExpr, type Expr } from '../promql/parser/index.js';
import { MigrationContext } from './grafana/context.js';
import { classifyDatasource } from './grafana/datasource.js';
import { parseVariableQuery, variableQueryText } from './grafana/templating.js';
import { asArray, asObject, asString, isObject } from './json.js';

/** One PromQL expression found in a dashboard. */
export interface DashboardExpr {
  /** JSON path in the dashboard (`panels[2].targets[0].expr`). */
  readonly path: string;
  /** The panel title, for panel queries. */
  readonly panel?: string;
  /** The expression as written, with template variables. */
  readonly expr: string;
}

/** Placeholder for durations (`$__interval`, `[$window]`). */
const DURATION_VALUE = '5m';
/** Placeholder for label values and names. */
const LABEL_VALUE = 'placeholder';

/**
 * Every PromQL expression of a dashboard: panel targets (inside rows too) and the selectors and
 * expressions of query variables (`label_values(<selector>, …)`, `query_result(<expr>)`).
 * Queries of datasources other than Prometheus (kept by an import, with a warning) are skipped.
 * With `opts.annotations`, the Prometheus annotation queries (`annotations.list[].expr`) are
 * included too (the built-in annotation and other datasources' are skipped).
 */
export function dashboardExprs(
  d: unknown,
  opts: { readonly annotations?: boolean } = {},
): DashboardExpr[] {
  const out: DashboardExpr[] = [];
  const o = asObject(d) ?? {};
  const ctx = new MigrationContext(o);
  const prometheus = (ref: unknown): boolean => {
    const k = classifyDatasource(ref, ctx).kind;
    return k === 'prometheus' || k === 'mixed';
  };
  const visit = (panels: unknown, at: string): void => {
    asArray(panels).forEach((p, i) => {
      if (!isObject(p)) return;
      const title = asString(p['title']) ?? '';
      asArray(p['targets']).forEach((t, j) => {
        const to = asObject(t);
        const expr = asString(to?.['expr']);
        if (!prometheus(to?.['datasource'] ?? p['datasource'])) return;
        if (expr !== undefined && expr.trim() !== '')
          out.push({ path: `${at}[${i}].targets[${j}].expr`, panel: title, expr });
      });
      visit(p['panels'], `${at}[${i}].panels`);
    });
  };
  visit(o['panels'], 'panels');
  asArray(asObject(o['templating'])?.['list']).forEach((v, i) => {
    const vo = asObject(v);
    if (vo?.['type'] !== 'query' || !prometheus(vo['datasource'])) return;
    const text = variableQueryText(vo['query'], vo['definition']);
    if (text === undefined) return;
    const q = parseVariableQuery(text);
    const path = `templating.list[${i}].query`;
    if (q.kind === 'label_values' || q.kind === 'label_names') {
      if (q.selector !== undefined && q.selector !== '') out.push({ path, expr: q.selector });
    } else if (q.kind === 'query_result' || q.kind === 'series') out.push({ path, expr: q.expr });
  });
  if (opts.annotations === true) out.push(...annotationExprs(o));
  return out;
}

/** The PromQL of a dashboard's Prometheus annotation queries (`annotations.list[].expr`). */
function annotationExprs(d: unknown): DashboardExpr[] {
  const o = asObject(d) ?? {};
  const ctx = new MigrationContext(o);
  const out: DashboardExpr[] = [];
  asArray(asObject(o['annotations'])?.['list']).forEach((a, i) => {
    const ao = asObject(a);
    if (!ao || ao['builtIn'] === 1) return;
    const kind = classifyDatasource(ao['datasource'], ctx).kind;
    if (kind !== 'prometheus' && kind !== 'mixed') return;
    const expr = asString(ao['expr']);
    if (expr !== undefined && expr.trim() !== '')
      out.push({ path: `annotations.list[${i}].expr`, expr });
  });
  return out;
}

/**
 * Replaces Grafana's built-in variables and the dashboard's variables (`$x`, `${x}`,
 * `${x:format}`, `[[x]]`) by placeholders that keep the expression parseable: durations inside
 * `[…]`, in `offset` and for interval variables; a metric name before `{`; a label value inside
 * quotes; a label name inside `by (…)`; `1` elsewhere.
 */
export function substituteVariables(
  expr: string,
  intervalVars: ReadonlySet<string> = new Set(),
): string {
  const re =
    /\$\{([A-Za-z0-9_]+)(?::[^}]*)?\}|\[\[([A-Za-z0-9_]+)(?::[^\]]*)?\]\]|\$([A-Za-z0-9_]+)/g;
  let out = '';
  let last = 0;
  for (let m = re.exec(expr); m !== null; m = re.exec(expr)) {
    const name = m[1] ?? m[2] ?? m[3] ?? '';
    out += expr.slice(last, m.index);
    last = m.index + m[0].length;
    out += placeholder(name, out, expr.slice(last), intervalVars);
  }
  return out + expr.slice(last);
}

function placeholder(
  name: string,
  before: string,
  after: string,
  intervalVars: ReadonlySet<string>,
): string {
  switch (name) {
    case '__interval_ms':
    case '__range_ms':
      return '300000';
    case '__range_s':
    case '__interval_s':
      return '300';
    case '__interval':
    case '__rate_interval':
    case '__range':
    case '__rate_interval_ms':
      return name === '__rate_interval_ms' ? '300000' : DURATION_VALUE;
    default:
      break;
  }
  if (insideQuotes(before)) return LABEL_VALUE;
  if (/\[[^\]]*$/.test(before) || /offset\s*$/.test(before)) return DURATION_VALUE;
  if (intervalVars.has(name)) return DURATION_VALUE;
  if (/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*$/.test(before))
    return LABEL_VALUE;
  if (/^\s*\{/.test(after) || /^[A-Za-z_:]/.test(after) || /[A-Za-z_:]$/.test(before))
    return `${LABEL_VALUE}_metric`;
  if (/\{[^}]*$/.test(before)) return LABEL_VALUE;
  return '1';
}

function insideQuotes(s: string): boolean {
  let quote = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote !== '') {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'" || c === '`') quote = c;
  }
  return quote !== '';
}

/** The interval-type variable names of a dashboard. */
export function intervalVariables(d: unknown): Set<string> {
  const out = new Set<string>();
  for (const v of asArray(asObject(asObject(d)?.['templating'])?.['list'])) {
    const o = asObject(v);
    const name = asString(o?.['name']);
    if (name !== undefined && o?.['type'] === 'interval') out.add(name);
  }
  return out;
}

/** The metric names a set of expressions selects. */
export class MetricUsage {
  /** Names selected exactly. */
  readonly names = new Set<string>();
  /** Matchers on `__name__` other than equality (regex and negative matchers). */
  readonly matchers: Matcher[] = [];

  /**
   * Parses `expr` and records the metric names it selects. Returns the parse error message, or
   * undefined when the expression parsed.
   */
  add(expr: string): string | undefined {
    let ast: Expr;
    try {
      ast = parseExpr(expr);
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
    this.walk(ast);
    return undefined;
  }

  /** Whether any recorded selector selects metric `name`. */
  uses(name: string): boolean {
    return this.names.has(name) || this.matchers.some((m) => m.matches(name));
  }

  private walk(e: Expr): void {
    if (e.type === 'VectorSelector') {
      if (e.name !== '') this.names.add(e.name);
      for (const m of e.matchers) {
        if (m.name !== METRIC_NAME) continue;
        if (m.type === '=') this.names.add(m.value);
        else this.matchers.push(m);
      }
    }
    for (const c of children(e)) this.walk(c);
  }
}
