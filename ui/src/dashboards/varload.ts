/** Loads the options of template variables from the server, in dependency order. No React, no DOM. */
import type { VariableValue } from './interpolate.js';
import { interpolate } from './interpolate.js';
import { labelNames, labelValues, seriesNames } from './api.js';
import { queryInstant } from '../api/client.js';
import type { VariableModel, VariableOption } from './model.js';
import { variableQueryText } from './model.js';
import type { ResolvedRange } from './timerange.js';
import {
  customOptions,
  intervalOptions,
  optionsFromValues,
  parseRegex,
  parseVariableQuery,
  queryResultLine,
  withAll,
} from './variables.js';
import { seriesLabelsName } from './legend.js';
import { queryResolution } from './interval.js';
import { builtinScope } from './queries.js';

/** Raw strings a query variable's query gives, before regex and sort. */
async function queryStrings(
  text: string,
  range: ResolvedRange,
  signal: AbortSignal,
): Promise<string[]> {
  const q = parseVariableQuery(text);
  if (!q) return [];
  const start = Math.floor(range.from / 1000);
  const end = Math.ceil(range.to / 1000);
  switch (q.kind) {
    case 'label_values':
      return labelValues(q.label, q.match, start, end, signal);
    case 'label_names':
      return labelNames(q.match, start, end, signal);
    case 'metrics': {
      const names = await labelValues('__name__', undefined, start, end, signal);
      const re = parseRegex(q.regex === '' ? '.*' : q.regex);
      return re ? names.filter((n) => re.test(n)) : names;
    }
    case 'query_result': {
      const r = await queryInstant(q.expr, end, signal);
      const d = r.data;
      switch (d.kind) {
        case 'vector':
          return d.samples.map((s) => queryResultLine(s.metric, s.value, s.time));
        case 'matrix':
          return d.series.map((s) =>
            queryResultLine(
              s.metric,
              String(s.values[s.values.length - 1] ?? ''),
              s.times[s.times.length - 1] ?? end,
            ),
          );
        case 'scalar':
        case 'string':
          return [`${d.kind} ${d.value} ${Math.round(d.time * 1000)}`];
      }
      return [];
    }
    case 'series':
      return (await seriesNames(q.match, start, end, signal)).map(seriesLabelsName);
  }
}

/**
 * The options of one variable (with "All" first when included). `scope` holds the values of
 * the variables it may depend on.
 */
export async function loadOptions(
  v: VariableModel,
  scope: ReadonlyMap<string, VariableValue>,
  range: ResolvedRange,
  signal: AbortSignal,
): Promise<VariableOption[]> {
  switch (v.type) {
    case 'query': {
      // Variable queries may use $__range and $__interval too (sized for a 1000-pixel panel).
      const res = queryResolution({ rangeMs: range.to - range.from, resolution: 1000 });
      const s = builtinScope(scope, range, res.intervalMs, res.rateIntervalMs);
      const text = interpolate(variableQueryText(v), s);
      const raw = await queryStrings(text, range, signal);
      const regex = v.regex !== undefined ? interpolate(v.regex, s, 'regex') : undefined;
      return withAll(v, optionsFromValues(raw, regex, v.sort));
    }
    case 'custom':
      return withAll(v, customOptions(variableQueryText(v)));
    case 'interval':
      return intervalOptions(v);
    case 'datasource':
      // Every Prometheus data source maps to this Kansoku server.
      return [{ text: 'Kansoku', value: 'kansoku' }];
    case 'constant':
    case 'textbox': {
      const q = variableQueryText(v);
      return [{ text: q, value: q }];
    }
    default:
      return (v.options ?? []).filter(
        (o): o is VariableOption => typeof o.text === 'string' && typeof o.value === 'string',
      );
  }
}
