/**
 * Template variable interpolation in PromQL, as Grafana does it for Prometheus: `$var`,
 * `${var}`, `${var:format}`, `[[var]]` and `[[var:format]]`; multi-value and "All" become a
 * regex alternation `(a|b)` by default. Pure functions, no DOM.
 */

/** The current value of one variable, as interpolation needs it. */
export interface VariableValue {
  /** The selected values (one for single-value variables). */
  readonly values: readonly string[];
  /** The display texts, parallel to `values`. */
  readonly texts?: readonly string[];
  /** Whether "All" is selected. */
  readonly isAll?: boolean;
  /** The custom value for "All" (`allValue`); without it, All becomes `.*`. */
  readonly allValue?: string | undefined;
  /** Whether the variable is multi-value or has "All" (its values are regex-escaped then). */
  readonly multi?: boolean;
}

/** Variables by name, including built-ins like `__interval`. */
export type Scope = ReadonlyMap<string, VariableValue>;

/** A single fixed value (built-ins, constants). */
export function single(value: string): VariableValue {
  return { values: [value] };
}

/** Escapes regex metacharacters (Grafana's Prometheus "special regex escape"). */
export function regexEscape(v: string): string {
  return v.replace(/\\/g, '\\\\\\\\').replace(/[$^*{}[\]'+?.()|]/g, '\\\\$&');
}

/** Escapes a plain single value for use inside a PromQL string (backslashes and single quotes). */
function regularEscape(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/'/g, "\\\\'");
}

function plainRegexEscape(v: string): string {
  return v.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');
}

/** Formats a variable's value with a Grafana format name; unknown formats fall back to the default. */
export function formatValue(v: VariableValue, format: string | undefined, name = ''): string {
  const vals = v.values;
  if (v.isAll === true && (format === undefined || format === 'regex')) {
    if (v.allValue !== undefined && v.allValue !== '') return v.allValue;
    return '.*';
  }
  if (v.isAll === true && v.allValue !== undefined && v.allValue !== '' && format === 'raw') {
    return v.allValue;
  }
  switch (format) {
    case undefined:
      if (v.multi !== true) return regularEscape(vals[0] ?? '');
      return alternation(vals.map(regexEscape));
    case 'regex':
      return alternation(vals.map(plainRegexEscape));
    case 'raw':
      return vals.join(',');
    case 'pipe':
      return vals.join('|');
    case 'csv':
      return vals.join(',');
    case 'distributed':
      return vals.join(',');
    case 'json':
      return JSON.stringify(vals.length === 1 && v.multi !== true ? vals[0] : vals);
    case 'glob':
      return vals.length === 1 ? (vals[0] ?? '') : `{${vals.join(',')}}`;
    case 'doublequote':
      return vals.map((x) => `"${x.replace(/"/g, '\\"')}"`).join(',');
    case 'singlequote':
      return vals.map((x) => `'${x.replace(/'/g, "\\'")}'`).join(',');
    case 'sqlstring':
      return vals.map((x) => `'${x.replace(/'/g, "''")}'`).join(',');
    case 'text':
      return (v.texts ?? vals).join(' + ');
    case 'queryparam':
      return vals.map((x) => `var-${encodeURIComponent(name)}=${encodeURIComponent(x)}`).join('&');
    case 'percentencode':
      return vals.map(encodeURIComponent).join(',');
    case 'lucene':
      return vals.length === 1 ? (vals[0] ?? '') : `(${vals.map((x) => `"${x}"`).join(' OR ')})`;
    default:
      return formatValue(v, undefined, name);
  }
}

function alternation(vals: readonly string[]): string {
  if (vals.length === 1) return vals[0] ?? '';
  return `(${vals.join('|')})`;
}

/** Matches `$var`, `${var}`, `${var:fmt}`, `${var.field}`, `[[var]]` and `[[var:fmt]]`. */
const VARIABLE_RE =
  /\$(\w+)|\$\{(\w+)(?:\.[^:}]+)?(?::([^}]+))?\}|\[\[\s*(\w+?)(?::(\w+))?\s*\]\]/g;

/**
 * Replaces the variables of `scope` in `text`. Unknown variables are left as they are, so a
 * query that names a missing variable fails visibly. `$__interval` is not mistaken for
 * `$__interval_ms` (the longest name wins because names are matched as whole words).
 */
export function interpolate(text: string, scope: Scope, defaultFormat?: string): string {
  return text.replace(
    VARIABLE_RE,
    (whole, simple?: string, braced?: string, fmt?: string, bracket?: string, bfmt?: string) => {
      const name = simple ?? braced ?? bracket ?? '';
      const v = scope.get(name);
      if (v === undefined) return whole;
      return formatValue(v, fmt ?? bfmt ?? defaultFormat, name);
    },
  );
}

/** The names of the variables `text` refers to (in order of first use, without duplicates). */
export function referencedVariables(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(VARIABLE_RE)) {
    const name = m[1] ?? m[2] ?? m[4] ?? '';
    if (name !== '' && !out.includes(name)) out.push(name);
  }
  return out;
}
