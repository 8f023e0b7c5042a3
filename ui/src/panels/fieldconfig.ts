/**
 * The field config of one series: `fieldConfig.defaults` with the matching `overrides` applied
 * (by name, regex, query refId), display names with `${__field.labels.x}` templates, and typed
 * readers for the loosely typed `options` objects of the JSON model. DOM-free.
 */
import type { FieldConfig, FieldConfigSource, PanelModel } from './types.js';

/** The identity of a series that overrides match on. */
export interface FieldIdentity {
  name: string;
  refId: string;
  labels: Readonly<Record<string, string>>;
  /** Other names the field answers to (a table column's original name before renaming). */
  aliases?: readonly string[];
}

/** A regular expression from Grafana's `/pattern/flags` form or a bare pattern; null if invalid. */
export function parseRegex(src: string): RegExp | null {
  const m = /^\/(.*)\/([gimsuy]*)$/s.exec(src);
  try {
    return m ? new RegExp(m[1]!, m[2]!.replace('g', '')) : new RegExp(src);
  } catch {
    return null;
  }
}

function names(f: FieldIdentity, display: string): string[] {
  return [f.name, display, ...(f.aliases ?? [])];
}

function matches(
  matcher: { id: string; options?: unknown },
  f: FieldIdentity,
  display: string,
): boolean {
  const opt = matcher.options;
  switch (matcher.id) {
    case 'byName':
      return typeof opt === 'string' && names(f, display).includes(opt);
    case 'byRegexp': {
      const re = typeof opt === 'string' ? parseRegex(opt) : null;
      return re !== null && names(f, display).some((n) => re.test(n));
    }
    case 'byFrameRefID':
      return opt === f.refId;
    case 'byType':
      return opt === 'number';
    case 'byNames': {
      const list = (opt as { names?: unknown } | undefined)?.names;
      return Array.isArray(list) && names(f, display).some((n) => list.includes(n));
    }
    default:
      return false;
  }
}

function setPath(target: FieldConfig, id: string, value: unknown): void {
  if (id.startsWith('custom.')) {
    target.custom = { ...target.custom, [id.slice(7)]: value };
    return;
  }
  target[id] = value;
}

/** Defaults merged with every override that matches the series, in order. */
export function fieldConfigFor(
  source: FieldConfigSource | undefined,
  f: FieldIdentity,
): FieldConfig {
  const base: FieldConfig = { ...source?.defaults, custom: { ...source?.defaults?.custom } };
  const overrides = source?.overrides;
  if (!Array.isArray(overrides) || overrides.length === 0) return base;
  const display = displayName(base, f);
  // Overrides come from stored JSON: check their shape instead of trusting the type.
  for (const o of overrides as unknown[]) {
    if (typeof o !== 'object' || o === null) continue;
    const { matcher, properties } = o as { matcher?: unknown; properties?: unknown };
    if (typeof matcher !== 'object' || matcher === null || !Array.isArray(properties)) continue;
    const m = matcher as { id?: unknown; options?: unknown };
    if (typeof m.id !== 'string' || !matches({ id: m.id, options: m.options }, f, display))
      continue;
    for (const p of properties as unknown[]) {
      if (typeof p !== 'object' || p === null) continue;
      const { id, value } = p as { id?: unknown; value?: unknown };
      if (typeof id === 'string') setPath(base, id, value);
    }
  }
  return base;
}

/**
 * The name a series shows: `displayName` with `${__field.labels.x}`, `${__field.name}`,
 * `${__series.name}` and `${__field.displayName}` filled in, else the shell's legend.
 */
export function displayName(config: FieldConfig, f: FieldIdentity): string {
  const tpl = config.displayName;
  if (typeof tpl !== 'string' || tpl === '') return f.name;
  return tpl.replace(
    /\$\{__(field|series)\.([a-zA-Z]+)(?:\.([^}]+))?\}/g,
    (_m, _scope, what: string, key?: string) => {
      if (what === 'labels') return key === undefined ? '' : (f.labels[key] ?? '');
      return f.name;
    },
  );
}

/** A string option (or the fallback). */
export function optString(
  o: Record<string, unknown> | undefined,
  key: string,
  fallback: string,
): string {
  const v = o?.[key];
  return typeof v === 'string' ? v : fallback;
}

/** A number option (or the fallback). */
export function optNumber(
  o: Record<string, unknown> | undefined,
  key: string,
  fallback: number,
): number {
  const v = o?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/** A boolean option (or the fallback). */
export function optBool(
  o: Record<string, unknown> | undefined,
  key: string,
  fallback: boolean,
): boolean {
  const v = o?.[key];
  return typeof v === 'boolean' ? v : fallback;
}

/** A nested options object (or an empty one). */
export function optObject(
  o: Record<string, unknown> | undefined,
  key: string,
): Record<string, unknown> {
  const v = o?.[key];
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : {};
}

/** A string-array option (non-strings dropped), or the fallback when absent. */
export function optStrings(
  o: Record<string, unknown> | undefined,
  key: string,
  fallback: readonly string[],
): string[] {
  const v = o?.[key];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [...fallback];
}

/** The reducer ids of a panel (`options.reduceOptions.calcs`), default lastNotNull. */
export function panelCalcs(panel: PanelModel): string[] {
  const calcs = optStrings(optObject(panel.options, 'reduceOptions'), 'calcs', ['lastNotNull']);
  return calcs.length > 0 ? calcs : ['lastNotNull'];
}
