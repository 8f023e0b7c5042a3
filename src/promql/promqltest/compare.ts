import { isStaleNaN, type Labels } from '../../model/index.js';
import type { MatrixSeries, QueryValue, VectorSample } from '../engine/types.js';
import type { AnnotationExpectation, EvalCommand, ExpectedSeries } from './script.js';
import type { Slot } from './series.js';

const EPSILON = 1e-6;
const MIN_NORMAL = 2.2250738585072014e-308;
const MAX_FLOAT = Number.MAX_VALUE;

/** Whether two floats match with the tolerance of the `.test` format (relative 1e-6). */
export function almostEqual(a: number, b: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return isStaleNaN(a) === isStaleNaN(b);
  if (a === b) return true;
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || Math.abs(a) + Math.abs(b) < MIN_NORMAL)
    return diff < EPSILON * MIN_NORMAL;
  return diff / Math.min(Math.abs(a) + Math.abs(b), MAX_FLOAT) < EPSILON;
}

/** Checks the annotations of a result against the eval's expectations; returns a problem or ''. */
export function checkAnnotations(cmd: EvalCommand, warnings: string[], infos: string[]): string {
  const w = checkKind('warning', cmd.warns, cmd.noWarn, cmd.anyWarn, warnings);
  return w !== '' ? w : checkKind('info', cmd.infos, cmd.noInfo, cmd.anyInfo, infos);
}

function matches(e: AnnotationExpectation, text: string): boolean {
  if (e.msg !== undefined) return e.msg === text;
  if (e.regex) return e.regex.test(text);
  return true;
}

function checkKind(
  kind: string,
  exps: AnnotationExpectation[],
  none: boolean,
  any: boolean,
  got: string[],
): string {
  if (none && got.length > 0) return `expected no ${kind} but got: ${got.join(' | ')}`;
  if (any && got.length === 0) return `expected at least one ${kind}, got none`;
  if (exps.length === 0) return '';
  for (const e of exps) {
    if (!got.some((g) => matches(e, g)))
      return `expected ${kind} ${e.msg ?? e.regex?.source ?? '(any)'} but got: [${got.join(' | ')}]`;
  }
  for (const g of got) {
    if (!exps.some((e) => matches(e, g))) return `unexpected ${kind}: ${g}`;
  }
  return '';
}

function fmt(v: number): string {
  return isStaleNaN(v) ? 'stale' : String(v);
}

function slotMatches(s: Slot | undefined, v: number): boolean {
  if (!s) return false;
  if (s.kind === 'float') return almostEqual(s.v, v);
  if (s.kind === 'stale') return isStaleNaN(v);
  return false;
}

/** Compares an instant-query result with the expectation; returns a problem or ''. */
export function compareInstant(cmd: EvalCommand, value: QueryValue): string {
  if (cmd.expectString !== undefined) {
    if (value.type !== 'string') return `expected string result, got ${value.type}`;
    return value.v === cmd.expectString
      ? ''
      : `expected string "${cmd.expectString}", got "${value.v}"`;
  }
  if (cmd.expectScalar !== undefined) {
    if (value.type !== 'scalar') return `expected scalar result, got ${value.type}`;
    return almostEqual(cmd.expectScalar, value.v)
      ? ''
      : `expected scalar ${cmd.expectScalar}, got ${fmt(value.v)}`;
  }
  if (cmd.rangeVector) {
    if (value.type !== 'matrix') return `expected range vector result, got ${value.type}`;
    return compareMatrix(
      cmd.series,
      value.series,
      cmd.rangeVector.start,
      cmd.rangeVector.step,
      false,
    );
  }
  if (value.type !== 'vector') return `expected instant vector result, got ${value.type}`;
  return compareVector(cmd, value.series);
}

function compareVector(cmd: EvalCommand, got: VectorSample[]): string {
  if (got.length !== cmd.series.length)
    return `expected ${cmd.series.length} series, got ${got.length}: ${got.map((s) => `${s.labels.toString()} ${fmt(s.v)}`).join(', ')}`;
  for (let i = 0; i < cmd.series.length; i++) {
    const exp = cmd.series[i]!;
    if (exp.slots.length !== 1) return `expected one value per series at line ${exp.line}`;
    const idx = cmd.ordered ? i : got.findIndex((g) => g.labels.equals(exp.labels));
    const g = got[idx];
    if (!g || !g.labels.equals(exp.labels))
      return `missing series ${exp.labels.toString()} (line ${exp.line})${cmd.ordered && g ? `, found ${g.labels.toString()} at position ${i}` : ''}`;
    if (!slotMatches(exp.slots[0], g.v))
      return `series ${exp.labels.toString()}: expected ${slotText(exp.slots[0])}, got ${fmt(g.v)}`;
  }
  return '';
}

function slotText(s: Slot | undefined): string {
  if (!s) return '(nothing)';
  if (s.kind === 'float') return String(s.v);
  if (s.kind === 'histogram') return s.text;
  return s.kind;
}

function isSorted(series: MatrixSeries[]): boolean {
  for (let i = 1; i < series.length; i++)
    if (series[i - 1]!.labels.compare(series[i]!.labels) > 0) return false;
  return true;
}

/** Compares a matrix with expected series whose k-th slot is at `start + k*step`. */
export function compareMatrix(
  exps: ExpectedSeries[],
  got: MatrixSeries[],
  start: number,
  step: number,
  mustBeSorted: boolean,
): string {
  if (mustBeSorted && !isSorted(got)) return 'range query result is not sorted by labels';
  if (got.length !== exps.length)
    return `expected ${exps.length} series, got ${got.length}: ${got.map((s) => s.labels.toString()).join(', ')}`;
  for (const exp of exps) {
    const g = got.find((s) => s.labels.equals(exp.labels));
    if (!g) return `missing series ${exp.labels.toString()} (line ${exp.line})`;
    const problem = compareSeries(exp, g, start, step);
    if (problem !== '') return problem;
  }
  return '';
}

function compareSeries(exp: ExpectedSeries, g: MatrixSeries, start: number, step: number): string {
  let gi = 0;
  for (let k = 0; k < exp.slots.length; k++) {
    const s = exp.slots[k]!;
    if (s.kind === 'none') continue;
    const t = start + k * step;
    const gt = g.ts[gi];
    if (gt === undefined) return `series ${exp.labels.toString()}: missing point at ${t}ms`;
    if (gt !== t)
      return `series ${exp.labels.toString()}: expected point at ${t}ms, got one at ${gt}ms`;
    if (!slotMatches(s, g.vs[gi]!))
      return `series ${exp.labels.toString()} at ${t}ms: expected ${slotText(s)}, got ${fmt(g.vs[gi]!)}`;
    gi++;
  }
  if (gi !== g.ts.length)
    return `series ${exp.labels.toString()}: unexpected extra point at ${g.ts[gi]}ms (value ${fmt(g.vs[gi]!)})`;
  return '';
}

/** Short text of a label set for messages. */
export function labelsText(l: Labels): string {
  return l.toString();
}
