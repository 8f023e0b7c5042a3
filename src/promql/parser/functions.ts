/**
 * The registry of PromQL function signatures, as data. The parser uses it for arity and type
 * checks; the engine keeps its own table of implementations keyed by the same names.
 */
import type { ValueType } from './ast.js';

/** The signature of a PromQL function. */
export interface FunctionDef {
  readonly name: string;
  /** The types of the arguments, in order. */
  readonly argTypes: readonly ValueType[];
  /**
   * 0: exactly `argTypes.length` arguments. Otherwise the last argument is optional and, when
   * positive, up to `variadic` arguments of the last type may be given in its place (so between
   * `argTypes.length - 1` and `argTypes.length - 1 + variadic` arguments); -1 means unbounded.
   */
  readonly variadic: number;
  readonly returnType: ValueType;
  /** Experimental functions are only accepted when experimental functions are enabled. */
  readonly experimental: boolean;
}

function fn(
  name: string,
  argTypes: readonly ValueType[],
  returnType: ValueType,
  variadic = 0,
  experimental = false,
): FunctionDef {
  return Object.freeze({
    name,
    argTypes: Object.freeze([...argTypes]),
    variadic,
    returnType,
    experimental,
  });
}

const ALL: readonly FunctionDef[] = [
  fn('abs', ['vector'], 'vector'),
  fn('absent', ['vector'], 'vector'),
  fn('absent_over_time', ['matrix'], 'vector'),
  fn('acos', ['vector'], 'vector'),
  fn('acosh', ['vector'], 'vector'),
  fn('asin', ['vector'], 'vector'),
  fn('asinh', ['vector'], 'vector'),
  fn('atan', ['vector'], 'vector'),
  fn('atanh', ['vector'], 'vector'),
  fn('avg_over_time', ['matrix'], 'vector'),
  fn('ceil', ['vector'], 'vector'),
  fn('changes', ['matrix'], 'vector'),
  fn('clamp', ['vector', 'scalar', 'scalar'], 'vector'),
  fn('clamp_max', ['vector', 'scalar'], 'vector'),
  fn('clamp_min', ['vector', 'scalar'], 'vector'),
  fn('cos', ['vector'], 'vector'),
  fn('cosh', ['vector'], 'vector'),
  fn('count_over_time', ['matrix'], 'vector'),
  fn('day_of_month', ['vector'], 'vector', 1),
  fn('day_of_week', ['vector'], 'vector', 1),
  fn('day_of_year', ['vector'], 'vector', 1),
  fn('days_in_month', ['vector'], 'vector', 1),
  fn('deg', ['vector'], 'vector'),
  fn('delta', ['matrix'], 'vector'),
  fn('deriv', ['matrix'], 'vector'),
  fn('double_exponential_smoothing', ['matrix', 'scalar', 'scalar'], 'vector', 0, true),
  fn('end', [], 'scalar', 0, true),
  fn('exp', ['vector'], 'vector'),
  fn('first_over_time', ['matrix'], 'vector'),
  fn('floor', ['vector'], 'vector'),
  fn('histogram_avg', ['vector'], 'vector'),
  fn('histogram_count', ['vector'], 'vector'),
  fn('histogram_fraction', ['scalar', 'scalar', 'vector'], 'vector'),
  fn('histogram_quantile', ['scalar', 'vector'], 'vector'),
  fn('histogram_quantiles', ['vector', 'string', 'scalar', 'scalar'], 'vector', 9, true),
  fn('histogram_stddev', ['vector'], 'vector'),
  fn('histogram_stdvar', ['vector'], 'vector'),
  fn('histogram_sum', ['vector'], 'vector'),
  fn('hour', ['vector'], 'vector', 1),
  fn('idelta', ['matrix'], 'vector'),
  fn('increase', ['matrix'], 'vector'),
  fn('info', ['vector', 'vector'], 'vector', 1, true),
  fn('irate', ['matrix'], 'vector'),
  fn('label_join', ['vector', 'string', 'string', 'string'], 'vector', -1),
  fn('label_replace', ['vector', 'string', 'string', 'string', 'string'], 'vector'),
  fn('last_over_time', ['matrix'], 'vector'),
  fn('ln', ['vector'], 'vector'),
  fn('log10', ['vector'], 'vector'),
  fn('log2', ['vector'], 'vector'),
  fn('mad_over_time', ['matrix'], 'vector', 0, true),
  fn('max_of', ['scalar', 'scalar'], 'scalar', 0, true),
  fn('max_over_time', ['matrix'], 'vector'),
  fn('min_of', ['scalar', 'scalar'], 'scalar', 0, true),
  fn('min_over_time', ['matrix'], 'vector'),
  fn('minute', ['vector'], 'vector', 1),
  fn('month', ['vector'], 'vector', 1),
  fn('pi', [], 'scalar'),
  fn('predict_linear', ['matrix', 'scalar'], 'vector'),
  fn('present_over_time', ['matrix'], 'vector'),
  fn('quantile_over_time', ['scalar', 'matrix'], 'vector'),
  fn('rad', ['vector'], 'vector'),
  fn('range', [], 'scalar', 0, true),
  fn('rate', ['matrix'], 'vector'),
  fn('resets', ['matrix'], 'vector'),
  fn('round', ['vector', 'scalar'], 'vector', 1),
  fn('scalar', ['vector'], 'scalar'),
  fn('sgn', ['vector'], 'vector'),
  fn('sin', ['vector'], 'vector'),
  fn('sinh', ['vector'], 'vector'),
  fn('sort', ['vector'], 'vector'),
  fn('sort_by_label', ['vector', 'string'], 'vector', -1, true),
  fn('sort_by_label_desc', ['vector', 'string'], 'vector', -1, true),
  fn('sort_desc', ['vector'], 'vector'),
  fn('sqrt', ['vector'], 'vector'),
  fn('start', [], 'scalar', 0, true),
  fn('start_timestamp', ['vector'], 'vector', 0, true),
  fn('stddev_over_time', ['matrix'], 'vector'),
  fn('stdvar_over_time', ['matrix'], 'vector'),
  fn('step', [], 'scalar', 0, true),
  fn('sum_over_time', ['matrix'], 'vector'),
  fn('tan', ['vector'], 'vector'),
  fn('tanh', ['vector'], 'vector'),
  fn('time', [], 'scalar'),
  fn('timestamp', ['vector'], 'vector'),
  fn('ts_of_first_over_time', ['matrix'], 'vector', 0, true),
  fn('ts_of_last_over_time', ['matrix'], 'vector', 0, true),
  fn('ts_of_max_over_time', ['matrix'], 'vector', 0, true),
  fn('ts_of_min_over_time', ['matrix'], 'vector', 0, true),
  fn('vector', ['scalar'], 'vector'),
  fn('year', ['vector'], 'vector', 1),
];

/** Every PromQL function by name. */
export const FUNCTIONS: ReadonlyMap<string, FunctionDef> = new Map(ALL.map((f) => [f.name, f]));

/** Looks up a function signature by name; `undefined` when there is none. */
export function getFunction(name: string): FunctionDef | undefined {
  return FUNCTIONS.get(name);
}

/** The smallest number of arguments a call of `f` must have. */
export function minArgs(f: FunctionDef): number {
  return f.variadic === 0 ? f.argTypes.length : f.argTypes.length - 1;
}

/** The largest number of arguments a call of `f` may have (`Infinity` when unbounded). */
export function maxArgs(f: FunctionDef): number {
  if (f.variadic === 0) return f.argTypes.length;
  return f.variadic < 0 ? Infinity : f.argTypes.length - 1 + f.variadic;
}

/** The expected type of argument `i` (0-based) of `f`; the last type repeats for variadic -1. */
export function argType(f: FunctionDef, i: number): ValueType {
  return f.argTypes[Math.min(i, f.argTypes.length - 1)] ?? 'none';
}
