/**
 * A small Helm renderer for the chart tests: Kansoku's Go text/template engine plus the few
 * Helm and Sprig functions the chart uses (`include`, `toYaml`, `nindent`, `indent`, `quote`,
 * `default`, `required`). Values are the chart's values.yaml deep-merged with overrides, as
 * `helm template --set`/`-f` would give.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { Template, type TemplateFunc } from '../../src/util/index.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep-merges `over` into `base` (maps merge, everything else replaces), as Helm merges values. */
export function mergeValues(base: unknown, over: unknown): unknown {
  if (!isObj(base) || !isObj(over)) return over === undefined ? base : over;
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = mergeValues(base[k], v);
  return out;
}

/** Sprig's notion of an empty value (what `default` replaces). */
function empty(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === '' || v === 0) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isObj(v)) return Object.keys(v).length === 0;
  return false;
}

/** A value as Go's fmt prints a scalar (`quote` of nil is the empty string). */
function scalar(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function indentLines(n: number, s: string): string {
  const pad = ' '.repeat(n);
  return s
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

/** The Helm/Sprig functions of the chart; `include` renders through `tpl()` once it exists. */
function helmFuncs(tpl: () => Template): Record<string, TemplateFunc> {
  return {
    include: (name, data) => tpl().execute(data, String(name)),
    toYaml: (v) => stringify(v).replace(/\n$/, ''),
    nindent: (n, s) => '\n' + indentLines(Number(n), String(s)),
    indent: (n, s) => indentLines(Number(n), String(s)),
    quote: (...a) => a.map((x) => JSON.stringify(scalar(x))).join(' '),
    default: (d, v) => (empty(v) ? d : v),
    required: (msg, v) => {
      if (v === undefined || v === null || v === '') throw new Error(String(msg));
      return v;
    },
  };
}

/** A chart on disk: metadata, default values and template sources. */
export interface Chart {
  readonly meta: Obj;
  readonly values: unknown;
  readonly templates: ReadonlyMap<string, string>;
}

/** Reads Chart.yaml, values.yaml and templates/* of a chart directory. */
export function loadChart(dir: string): Chart {
  const meta = parse(readFileSync(path.join(dir, 'Chart.yaml'), 'utf8')) as Obj;
  const values: unknown = parse(readFileSync(path.join(dir, 'values.yaml'), 'utf8'));
  const templates = new Map<string, string>();
  for (const f of readdirSync(path.join(dir, 'templates')).sort()) {
    templates.set(`templates/${f}`, readFileSync(path.join(dir, 'templates', f), 'utf8'));
  }
  return { meta, values, templates };
}

/** Options of one render: value overrides and the release. */
export interface RenderOptions {
  readonly values?: unknown;
  readonly releaseName?: string;
  readonly namespace?: string;
}

/**
 * Renders every template file that does not start with `_` (helpers only define templates),
 * returning file name → rendered YAML. Template and `required` errors are thrown.
 */
export function renderChart(chart: Chart, opts: RenderOptions = {}): Map<string, string> {
  const chartData: Obj = {};
  for (const [k, v] of Object.entries(chart.meta))
    chartData[k.charAt(0).toUpperCase() + k.slice(1)] = v;
  const data = {
    Values: mergeValues(chart.values, opts.values),
    Release: {
      Name: opts.releaseName ?? 'kansoku',
      Namespace: opts.namespace ?? 'default',
      Service: 'Helm',
      IsInstall: true,
      IsUpgrade: false,
    },
    Chart: chartData,
  };
  const holder: { t?: Template } = {};
  const self = (): Template => {
    if (!holder.t) throw new Error('cannot render chart: template set not ready');
    return holder.t;
  };
  const funcs = helmFuncs(self);
  const names = [...chart.templates.keys()];
  const first = names[0];
  if (first === undefined) throw new Error('cannot render chart: no templates');
  const t = new Template(first, chart.templates.get(first) ?? '', funcs);
  holder.t = t;
  for (const n of names.slice(1)) t.addSource(n, chart.templates.get(n) ?? '');
  const out = new Map<string, string>();
  for (const n of names) {
    if (path.basename(n).startsWith('_') || !n.endsWith('.yaml')) continue;
    out.set(n, t.execute(data, n));
  }
  return out;
}
