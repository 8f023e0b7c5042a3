/**
 * From a number to what a panel shows: value mappings first, then the unit and decimals, and
 * the colour from thresholds (absolute or percentage of min..max). DOM-free.
 */
import { resolveColor } from './colors.js';
import type {
  FieldConfig,
  MappingResult,
  ThresholdStep,
  ThresholdsConfig,
  ValueMapping,
} from './types.js';
import { formatUnit, type FormattedValue } from './units.js';

/** What a panel shows for one value. */
export interface DisplayValue extends FormattedValue {
  /** The number (NaN when missing). */
  numeric: number;
  /** A CSS colour from the mapping or the thresholds. */
  color: string;
  /** Position of the value in min..max, 0..1 (clamped), for gauges and bars. */
  percent: number;
  /** Index of the matching threshold step (-1 when none). */
  thresholdIndex: number;
}

/** Grafana's default thresholds: green, then red from 80. */
export const DEFAULT_THRESHOLDS: ThresholdsConfig = {
  mode: 'absolute',
  steps: [
    { color: 'green', value: null },
    { color: 'red', value: 80 },
  ],
};

/**
 * The step a value falls in: the last step whose value is ≤ `v` (the base step has value null,
 * meaning -Infinity). In percentage mode step values are percentages of min..max.
 */
export function activeThreshold(
  v: number,
  t: ThresholdsConfig | undefined,
  min = 0,
  max = 100,
): { step: ThresholdStep; index: number } | null {
  const steps = t?.steps ?? [];
  if (steps.length === 0) return null;
  const x = t?.mode === 'percentage' ? (max === min ? 0 : ((v - min) / (max - min)) * 100) : v;
  let index = 0;
  for (let i = 0; i < steps.length; i++) {
    const sv = steps[i]!.value;
    if (sv === null || x >= sv) index = i;
  }
  return { step: steps[index]!, index };
}

/** Converts value mappings from any Grafana schema (legacy `type: 1/2` too) to the current one. */
export function normalizeMappings(raw: unknown): ValueMapping[] {
  if (!Array.isArray(raw)) return [];
  const out: ValueMapping[] = [];
  for (const m of raw as unknown[]) {
    if (typeof m !== 'object' || m === null) continue;
    const r = m as Record<string, unknown>;
    const type = r['type'];
    if (typeof type === 'string' && typeof r['options'] === 'object' && r['options'] !== null) {
      if (type === 'value' || type === 'range' || type === 'regex' || type === 'special') {
        out.push(m as ValueMapping);
      }
      continue;
    }
    const text = typeof r['text'] === 'string' ? r['text'] : undefined;
    const result: MappingResult = text === undefined ? {} : { text };
    if (type === 1 || type === '1') {
      const value = r['value'];
      if (value === 'null') out.push({ type: 'special', options: { match: 'null', result } });
      else if (typeof value === 'string' || typeof value === 'number') {
        out.push({ type: 'value', options: { [String(value)]: result } });
      }
    } else if (type === 2 || type === '2') {
      const num = (x: unknown): number | null => (x === '' || x == null ? null : Number(x));
      out.push({ type: 'range', options: { from: num(r['from']), to: num(r['to']), result } });
    }
  }
  return out;
}

/** The first mapping result that matches a value (null/NaN are matched by `special`). */
export function applyMappings(
  v: number | null,
  mappings: readonly ValueMapping[] | undefined,
): MappingResult | null {
  if (!mappings) return null;
  const missing = v === null || Number.isNaN(v);
  for (const m of mappings) {
    switch (m.type) {
      case 'value': {
        if (missing) break;
        const hit = m.options[String(v)];
        if (hit) return hit;
        break;
      }
      case 'range': {
        if (missing) break;
        const { from, to, result } = m.options;
        if ((from == null || v >= from) && (to == null || v <= to) && (from != null || to != null))
          return result;
        break;
      }
      case 'regex': {
        if (missing) break;
        try {
          if (new RegExp(m.options.pattern).test(String(v))) return m.options.result;
        } catch {
          // An invalid pattern matches nothing.
        }
        break;
      }
      case 'special': {
        const match = m.options.match;
        if (
          (match === 'null' && v === null) ||
          (match === 'nan' && v !== null && Number.isNaN(v)) ||
          ((match === 'null+nan' || match === 'empty') && missing) ||
          (match === 'true' && v === 1) ||
          (match === 'false' && v === 0)
        ) {
          return m.options.result;
        }
        break;
      }
    }
  }
  return null;
}

/** Options of {@link getDisplayValue} beyond the field config. */
export interface DisplayOptions {
  /** Colour when neither a mapping nor thresholds give one. */
  baseColor?: string;
  /** Range for percent and percentage thresholds when the field config sets no min/max. */
  min?: number;
  max?: number;
}

/** How one value of a field is shown: mapped text or formatted number, colour, percent. */
export function getDisplayValue(
  v: number | null,
  config: FieldConfig,
  opts: DisplayOptions = {},
): DisplayValue {
  const numeric = v ?? NaN;
  const min = config.min ?? opts.min ?? 0;
  const max = config.max ?? opts.max ?? 100;
  const span = max - min;
  const percent =
    Number.isFinite(numeric) && span > 0 ? Math.min(1, Math.max(0, (numeric - min) / span)) : 0;
  const th = Number.isNaN(numeric) ? null : activeThreshold(numeric, config.thresholds, min, max);
  const fixed = config.color?.mode === 'fixed' ? config.color.fixedColor : undefined;
  const byThreshold = config.color?.mode === undefined || config.color.mode === 'thresholds';
  let color = resolveColor(
    fixed ?? (byThreshold && th ? th.step.color : undefined),
    opts.baseColor ?? resolveColor('green'),
  );
  const mapped = applyMappings(v, normalizeMappings(config.mappings));
  if (mapped?.color) color = resolveColor(mapped.color);
  if (mapped?.text !== undefined && mapped.text !== '') {
    return { text: mapped.text, numeric, color, percent, thresholdIndex: th?.index ?? -1 };
  }
  if (Number.isNaN(numeric)) {
    return { text: config.noValue ?? 'No data', numeric, color, percent, thresholdIndex: -1 };
  }
  const f = formatUnit(numeric, config.unit, config.decimals);
  return { ...f, numeric, color, percent, thresholdIndex: th?.index ?? -1 };
}
