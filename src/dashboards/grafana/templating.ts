/**
 * Template variables: Prometheus query variables in every form Grafana stored them (a string, a
 * `{query, refId}` object, the structured `qryType` editor), custom, interval, constant, textbox
 * and datasource variables. Ad hoc filters and unknown types are reported and removed.
 */
import { asArray, asNumber, asObject, asString, isObject, type JsonObject } from '../json.js';
import { KANSOKU_DATASOURCE } from '../model.js';
import type { MigrationContext } from './context.js';
import { classifyDatasource } from './datasource.js';

/** The `refId` Grafana's Prometheus variable editor writes. */
const VARIABLE_REF_ID = 'PrometheusVariableQueryEditor-VariableQuery';

/** Recognised query variable functions (Grafana's Prometheus datasource). */
const QUERY_FUNCTION_RE = /^\s*(label_values|label_names|metrics|query_result)\s*\(([\s\S]*)\)\s*$/;

/** Migrates `templating` to the list of variables Kansoku keeps. */
export function migrateTemplating(templating: unknown, ctx: MigrationContext): JsonObject[] {
  const out: JsonObject[] = [];
  const names = new Set<string>();
  asArray(asObject(templating)?.['list']).forEach((v, i) => {
    const at = `templating.list[${i}]`;
    if (!isObject(v)) {
      ctx.warn(at, 'variable is not an object; skipped');
      return;
    }
    const name = asString(v['name']) ?? '';
    const type = asString(v['type']) ?? '';
    if (!/^\w+$/.test(name)) {
      ctx.warn(
        `${at}.name`,
        `variable name "${name}" is not valid (letters, digits, "_"); the variable was removed`,
      );
      return;
    }
    if (names.has(name)) {
      ctx.warn(
        `${at}.name`,
        `variable "${name}" is defined twice; the second definition was removed`,
      );
      return;
    }
    names.add(name);
    const m = migrateVariable({ ...v }, type, at, name, ctx);
    if (m) out.push(m);
  });
  return out;
}

function migrateVariable(
  v: JsonObject,
  type: string,
  at: string,
  name: string,
  ctx: MigrationContext,
): JsonObject | undefined {
  switch (type) {
    case 'query': {
      const ds = classifyDatasource(v['datasource'], ctx);
      if (ds.kind !== 'prometheus') {
        ctx.warn(
          `${at}.datasource`,
          `variable "${name}" queries datasource "${ds.name}", which is not Prometheus; it has no values in Kansoku`,
        );
        return v;
      }
      const text = variableQueryText(v['query'], v['definition']);
      if (text === undefined) {
        ctx.warn(`${at}.query`, `variable "${name}" has no query`);
        return v;
      }
      if (
        !QUERY_FUNCTION_RE.test(text) &&
        /^\s*[a-z_]+\s*\(/i.test(text) &&
        !/^\s*[a-z_:]+\s*\{/.test(text)
      )
        ctx.warn(
          `${at}.query`,
          `variable "${name}": "${text}" is evaluated as a series query (the series' label sets are the values)`,
        );
      v['query'] = { query: text, refId: VARIABLE_REF_ID };
      v['definition'] = text;
      v['datasource'] = { ...KANSOKU_DATASOURCE };
      if (typeof v['refresh'] === 'boolean') v['refresh'] = v['refresh'] ? 1 : 0;
      return v;
    }
    case 'custom':
    case 'interval':
    case 'constant':
    case 'textbox':
      if (typeof v['query'] !== 'string') v['query'] = asString(v['query']) ?? '';
      return v;
    case 'datasource': {
      const plugin = asString(v['query']) ?? '';
      if (plugin !== 'prometheus' && plugin !== '')
        ctx.warn(
          `${at}.query`,
          `datasource variable "${name}" lists "${plugin}" datasources; Kansoku offers only itself`,
        );
      v['current'] = { text: 'Kansoku', value: KANSOKU_DATASOURCE.uid };
      v['options'] = [];
      return v;
    }
    case 'adhoc':
      ctx.warn(
        at,
        `ad hoc filter variable "${name}" is not supported and was removed; add the label matchers to the queries instead`,
      );
      return undefined;
    default:
      ctx.warn(at, `variable "${name}" of type "${type}" is not supported and was removed`);
      return undefined;
  }
}

/**
 * The query text of a Prometheus query variable, from a string, a `{query}` object, the
 * structured editor's `qryType` object, or the `definition`.
 */
export function variableQueryText(query: unknown, definition?: unknown): string | undefined {
  if (typeof query === 'string' && query.trim() !== '') return query.trim();
  const q = asObject(query);
  if (q) {
    const qt = asNumber(q['qryType']);
    const metric = asString(q['metric']) ?? '';
    const label = asString(q['label']) ?? '';
    const filters = asArray(q['labelFilters'])
      .filter(isObject)
      .map(
        (f) =>
          `${asString(f['label']) ?? ''}${asString(f['op']) ?? '='}"${asString(f['value']) ?? ''}"`,
      )
      .join(',');
    const selector =
      metric === '' && filters === '' ? '' : `${metric}${filters === '' ? '' : `{${filters}}`}`;
    switch (qt) {
      case 0:
        return selector === '' ? 'label_names()' : `label_names(${selector})`;
      case 1:
        return selector === '' ? `label_values(${label})` : `label_values(${selector}, ${label})`;
      case 2:
        return `metrics(${metric})`;
      case 3:
        return `query_result(${asString(q['varQuery']) ?? ''})`;
      case 4:
        return asString(q['varQuery']) ?? asString(q['seriesQuery']);
      default:
        break;
    }
    const inner = asString(q['query']);
    if (inner !== undefined && inner.trim() !== '') return inner.trim();
  }
  const def = asString(definition);
  return def !== undefined && def.trim() !== '' ? def.trim() : undefined;
}

/** A parsed query variable definition. */
export type VariableQuery =
  | { readonly kind: 'label_values'; readonly label: string; readonly selector?: string }
  | { readonly kind: 'label_names'; readonly selector?: string }
  | { readonly kind: 'metrics'; readonly regex: string }
  | { readonly kind: 'query_result'; readonly expr: string }
  | { readonly kind: 'series'; readonly expr: string };

/** Splits a query variable definition into its function and arguments. */
export function parseVariableQuery(text: string): VariableQuery {
  const m = QUERY_FUNCTION_RE.exec(text);
  if (!m) return { kind: 'series', expr: text.trim() };
  const args = (m[2] ?? '').trim();
  switch (m[1]) {
    case 'label_values': {
      const comma = lastTopLevelComma(args);
      if (comma < 0) return { kind: 'label_values', label: args };
      return {
        kind: 'label_values',
        selector: args.slice(0, comma).trim(),
        label: args.slice(comma + 1).trim(),
      };
    }
    case 'label_names':
      return args === '' ? { kind: 'label_names' } : { kind: 'label_names', selector: args };
    case 'metrics':
      return { kind: 'metrics', regex: args };
    default:
      return { kind: 'query_result', expr: args };
  }
}

/** The index of the last comma outside braces, parentheses and quotes, or -1. */
function lastTopLevelComma(s: string): number {
  let depth = 0;
  let quote = '';
  let last = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote !== '') {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '{' || c === '(' || c === '[') depth++;
    else if (c === '}' || c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) last = i;
  }
  return last;
}
