import { STALE_NAN } from '../../model/index.js';
import type { Appendable, Queryable } from '../../storage/index.js';
import type { QueryResult, QueryValue, VectorSample } from '../engine/types.js';
import { parseExpr, type Expr } from '../parser/index.js';
import { TEST_PARSE_OPTIONS, atModifierCases } from './atcheck.js';
import { checkAnnotations, compareInstant, compareMatrix } from './compare.js';
import { parseScript, type Command, type EvalCommand, type LoadCommand } from './script.js';

/** The engine calls a script needs; the real engine fits this shape. */
export interface ScriptEngine {
  instantQuery(q: Queryable, expr: string | Expr, timeMs: number): Promise<QueryResult>;
  rangeQuery(
    q: Queryable,
    expr: string | Expr,
    startMs: number,
    endMs: number,
    stepMs: number,
  ): Promise<QueryResult>;
}

/** A storage a script can load into and query. */
export type ScriptStorage = Queryable & Appendable;

/** How to run a script. */
export interface RunOptions {
  engine: ScriptEngine;
  /** Makes an empty storage; called at the start and at every `clear`. */
  newStorage: () => ScriptStorage;
  /** Returns a reason to skip an eval, or undefined to run it. */
  skip?: (ev: EvalCommand, segment: SegmentInfo) => string | undefined;
  /** Also re-run instant evals as a range query around the instant (Prometheus' runner does). */
  rangeModeCheck?: boolean;
  /** Also re-run instant evals with `@ t` added at other eval times (Prometheus' runner does). */
  atModifierCheck?: boolean;
}

/** What was loaded since the last `clear`. */
export interface SegmentInfo {
  hasHistograms: boolean;
  hasStartTimestamps: boolean;
  hasNhcb: boolean;
}

/** The outcome of one eval, named `file:line`. */
export interface EvalOutcome {
  name: string;
  line: number;
  expr: string;
  status: 'pass' | 'fail' | 'skip';
  /** Why it failed or was skipped. */
  reason: string;
}

/** Parses and runs a script; every eval yields one outcome, in file order. */
export async function runScript(
  fileName: string,
  text: string,
  opts: RunOptions,
): Promise<EvalOutcome[]> {
  const cmds: Command[] = parseScript(text);
  const out: EvalOutcome[] = [];
  let storage = opts.newStorage();
  let seg: SegmentInfo = { hasHistograms: false, hasStartTimestamps: false, hasNhcb: false };
  for (const cmd of cmds) {
    switch (cmd.kind) {
      case 'clear':
        storage = opts.newStorage();
        seg = { hasHistograms: false, hasStartTimestamps: false, hasNhcb: false };
        break;
      case 'load':
        seg.hasHistograms ||= cmd.hasHistograms;
        seg.hasStartTimestamps ||= cmd.hasStartTimestamps;
        seg.hasNhcb ||= cmd.withNhcb;
        await load(storage, cmd);
        break;
      case 'eval': {
        const name = `${fileName}:${cmd.line}`;
        const base = { name, line: cmd.line, expr: cmd.expr };
        const skip = opts.skip?.(cmd, seg);
        if (skip !== undefined) {
          out.push({ ...base, status: 'skip', reason: skip });
          break;
        }
        let reason: string;
        try {
          reason = await runEval(opts, storage, cmd);
        } catch (err) {
          reason = `runner error: ${err instanceof Error ? err.message : String(err)}`;
        }
        out.push({ ...base, status: reason === '' ? 'pass' : 'fail', reason });
        break;
      }
    }
  }
  return out;
}

async function load(storage: ScriptStorage, cmd: LoadCommand): Promise<void> {
  const app = storage.appender();
  for (const s of cmd.series) {
    let ref = 0;
    for (let k = 0; k < s.slots.length; k++) {
      const slot = s.slots[k]!;
      const t = k * cmd.intervalMs;
      if (slot.kind === 'float') ref = app.append(ref, s.labels, t, slot.v);
      else if (slot.kind === 'stale') ref = app.append(ref, s.labels, t, STALE_NAN);
    }
  }
  await app.commit();
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Checks an error against `expect fail`; returns a problem or ''. */
function checkFailure(cmd: EvalCommand, err: unknown): string {
  const msg = errText(err);
  if (!cmd.fail) return `unexpected error: ${msg}`;
  if (cmd.fail.msg !== undefined && cmd.fail.msg !== msg)
    return `expected error "${cmd.fail.msg}", got "${msg}"`;
  if (cmd.fail.regex && !cmd.fail.regex.test(msg))
    return `expected error matching ${cmd.fail.regex.source}, got "${msg}"`;
  return '';
}

async function runEval(
  opts: RunOptions,
  storage: ScriptStorage,
  cmd: EvalCommand,
): Promise<string> {
  try {
    parseExpr(cmd.expr, TEST_PARSE_OPTIONS);
  } catch (err) {
    return `the test file's expression does not parse: ${errText(err)}`;
  }
  if (cmd.mode === 'range') {
    let res: QueryResult;
    try {
      res = await opts.engine.rangeQuery(storage, cmd.expr, cmd.start, cmd.end, cmd.step);
    } catch (err) {
      return checkFailure(cmd, err);
    }
    if (cmd.fail) return `expected error, got a ${res.value.type} result`;
    const ann = checkAnnotations(cmd, res.warnings, res.infos);
    if (ann !== '') return ann;
    if (res.value.type !== 'matrix')
      return `expected matrix from range query, got ${res.value.type}`;
    return compareMatrix(cmd.series, res.value.series, cmd.start, cmd.step, true);
  }
  const cases: { expr: string | Expr; t: number; label: string }[] = [
    { expr: cmd.expr, t: cmd.start, label: '' },
  ];
  if (opts.atModifierCheck)
    for (const c of atModifierCases(cmd.expr, cmd.start))
      cases.push({ ...c, label: `@-modifier check at ${c.t}ms: ` });
  for (const c of cases) {
    const problem = await instantCase(opts, storage, cmd, c.expr, c.t);
    if (problem !== '') return c.label + problem;
  }
  return '';
}

async function instantCase(
  opts: RunOptions,
  storage: ScriptStorage,
  cmd: EvalCommand,
  expr: string | Expr,
  t: number,
): Promise<string> {
  let res: QueryResult;
  try {
    res = await opts.engine.instantQuery(storage, expr, t);
  } catch (err) {
    return checkFailure(cmd, err);
  }
  if (cmd.fail) return `expected error, got a ${res.value.type} result`;
  const ann = checkAnnotations(cmd, res.warnings, res.infos);
  if (ann !== '') return ann;
  const problem = compareInstant(cmd, res.value);
  if (problem !== '') return problem;
  if (opts.rangeModeCheck && wantsRangeCheck(cmd)) return rangeCheck(opts, storage, cmd, expr, t);
  return '';
}

function wantsRangeCheck(cmd: EvalCommand): boolean {
  return (
    !cmd.ordered &&
    !cmd.rangeVector &&
    cmd.expectString === undefined &&
    !/\b(start|end|range|step)\s*\(\s*\)/.test(cmd.expr)
  );
}

/** Re-runs an instant eval as a range query [t-1m, t+1m] step 1m and checks the point at t. */
async function rangeCheck(
  opts: RunOptions,
  storage: ScriptStorage,
  cmd: EvalCommand,
  expr: string | Expr,
  t: number,
): Promise<string> {
  let res: QueryResult;
  try {
    res = await opts.engine.rangeQuery(storage, expr, t - 60_000, t + 60_000, 60_000);
  } catch (err) {
    return `range-mode check: unexpected error: ${errText(err)}`;
  }
  if (res.value.type !== 'matrix')
    return `range-mode check: expected matrix, got ${res.value.type}`;
  const series = res.value.series;
  for (let i = 1; i < series.length; i++)
    if (series[i - 1]!.labels.compare(series[i]!.labels) > 0)
      return 'range-mode check: result not sorted';
  let v: QueryValue;
  if (cmd.expectScalar !== undefined) {
    const s = series[0];
    const idx = s ? s.ts.indexOf(t) : -1;
    if (!s || idx < 0) return 'range-mode check: no scalar point at the instant';
    v = { type: 'scalar', t, v: s.vs[idx]! };
  } else {
    const out: VectorSample[] = [];
    for (const s of series) {
      const idx = s.ts.indexOf(t);
      if (idx >= 0) out.push({ labels: s.labels, t, v: s.vs[idx]! });
    }
    v = { type: 'vector', series: out };
  }
  const p = compareInstant(cmd, v);
  return p === '' ? '' : `range-mode check: ${p}`;
}
