/**
 * Pieces of the time series chart's configuration that need no DOM: axis tick labels in a
 * unit, per-field draw settings read from `custom`, threshold bands. DOM-free.
 */
import type { FieldConfig } from './types.js';
import { formatUnit } from './units.js';

/** Tick labels in a unit: configured decimals, else automatic without trailing zeros. */
export function tickLabels(
  values: readonly number[],
  unit: string | undefined,
  decimals?: number | null,
): string[] {
  return values.map((v) => {
    const f = formatUnit(v, unit, decimals);
    const text = decimals == null && f.text.includes('.') ? f.text.replace(/\.?0+$/, '') : f.text;
    return `${f.prefix ?? ''}${text}${f.suffix ?? ''}`;
  });
}

/** How a field is drawn, from `custom` with Grafana's defaults. */
export interface DrawSettings {
  style: 'line' | 'bars' | 'points';
  interpolation: 'linear' | 'smooth' | 'stepBefore' | 'stepAfter';
  lineWidth: number;
  /** 0..1 */
  fillOpacity: number;
  showPoints: 'auto' | 'never' | 'always';
  pointSize: number;
  spanNulls: boolean;
  axis: 'left' | 'right' | 'hidden';
  negativeY: boolean;
  dashed: boolean;
  log: number;
}

function pick<T extends string>(v: unknown, allowed: readonly T[], fallback: T): T {
  return typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : fallback;
}

/** The draw settings of a field config. */
export function drawSettings(config: FieldConfig): DrawSettings {
  const c = config.custom ?? {};
  const num = (k: string, d: number): number => {
    const v = c[k];
    return typeof v === 'number' && Number.isFinite(v) ? v : d;
  };
  const scale = c['scaleDistribution'];
  const sd = typeof scale === 'object' && scale !== null ? (scale as Record<string, unknown>) : {};
  const line = c['lineStyle'];
  const fill =
    typeof line === 'object' && line !== null
      ? (line as Record<string, unknown>)['fill']
      : undefined;
  return {
    style: pick(c['drawStyle'], ['line', 'bars', 'points'], 'line'),
    interpolation: pick(
      c['lineInterpolation'],
      ['linear', 'smooth', 'stepBefore', 'stepAfter'],
      'linear',
    ),
    lineWidth: num('lineWidth', 1),
    fillOpacity: Math.min(1, Math.max(0, num('fillOpacity', 0) / 100)),
    showPoints: pick(c['showPoints'], ['auto', 'never', 'always'], 'auto'),
    pointSize: num('pointSize', 5),
    spanNulls: c['spanNulls'] === true || typeof c['spanNulls'] === 'number',
    axis: pick(c['axisPlacement'], ['left', 'right', 'hidden'], 'left'),
    negativeY: c['transform'] === 'negative-Y',
    dashed: fill === 'dash' || fill === 'dot',
    log: sd['type'] === 'log' && typeof sd['log'] === 'number' ? sd['log'] : 0,
  };
}

/** How thresholds are drawn on a chart (`custom.thresholdsStyle.mode`). */
export function thresholdsStyle(config: FieldConfig): {
  line: boolean;
  area: boolean;
  dashed: boolean;
} {
  const s = config.custom?.['thresholdsStyle'];
  const mode =
    typeof s === 'object' && s !== null ? (s as Record<string, unknown>)['mode'] : undefined;
  const m = typeof mode === 'string' ? mode : 'off';
  return {
    line: m === 'line' || m === 'line+area' || m === 'dashed' || m === 'dashed+area',
    area: m === 'area' || m === 'line+area' || m === 'dashed+area',
    dashed: m.startsWith('dashed'),
  };
}
