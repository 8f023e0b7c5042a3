import type { Labels } from '../../model/index.js';
import {
  expandValues,
  parseDuration,
  parseSeriesDesc,
  ScriptSyntaxError,
  type Slot,
} from './series.js';

/** One series line of a `load` block. */
export interface LoadSeries {
  labels: Labels;
  slots: Slot[];
}

/** A `load <interval>` (or `load_with_nhcb`) command. */
export interface LoadCommand {
  kind: 'load';
  line: number;
  intervalMs: number;
  withNhcb: boolean;
  series: LoadSeries[];
  /** Whether any line holds native histogram values or start timestamps. */
  hasHistograms: boolean;
  hasStartTimestamps: boolean;
}

/** A `clear` command. */
export interface ClearCommand {
  kind: 'clear';
  line: number;
}

/** An `expect warn|info|fail` line with an optional exact text or regexp. */
export interface AnnotationExpectation {
  /** Exact text, a regexp, or neither (any text). */
  msg?: string;
  regex?: RegExp;
}

/** One expected series line of an eval body. */
export interface ExpectedSeries {
  labels: Labels;
  slots: Slot[];
  line: number;
}

/** An `eval instant|range` command with everything its body expects. */
export interface EvalCommand {
  kind: 'eval';
  line: number;
  expr: string;
  mode: 'instant' | 'range';
  /** Instant time, or range start (ms). */
  start: number;
  end: number;
  step: number;
  fail?: AnnotationExpectation;
  warns: AnnotationExpectation[];
  infos: AnnotationExpectation[];
  noWarn: boolean;
  noInfo: boolean;
  ordered: boolean;
  /** Legacy `eval_warn` / `eval_info`: at least one annotation of that kind. */
  anyWarn: boolean;
  anyInfo: boolean;
  rangeVector?: { start: number; end: number; step: number };
  expectString?: string;
  expectScalar?: number;
  series: ExpectedSeries[];
}

/** A parsed command of a `.test` script. */
export type Command = LoadCommand | ClearCommand | EvalCommand;

/** Parses a whole `.test` script into commands; throws `ScriptSyntaxError` naming the line. */
export function parseScript(text: string): Command[] {
  const lines = text.split(/\r?\n/).map((l) => {
    const t = l.trim();
    return t.startsWith('#') ? '' : t;
  });
  const cmds: Command[] = [];
  let i = 0;
  while (i < lines.length) {
    const header = lines[i]!;
    if (header === '') {
      i++;
      continue;
    }
    const lineNo = i + 1;
    if ((header.split(/\s+/, 1)[0] ?? '').toLowerCase() === 'clear') {
      // `clear` has no body: a command may follow on the very next line.
      cmds.push({ kind: 'clear', line: lineNo });
      i++;
      continue;
    }
    let j = i + 1;
    while (j < lines.length && lines[j] !== '') j++;
    const body = lines.slice(i + 1, j).map((text, k) => ({ text, line: i + 2 + k }));
    i = j;
    const word = (header.split(/\s+/, 1)[0] ?? '').toLowerCase();
    try {
      if (word === 'clear') cmds.push({ kind: 'clear', line: lineNo });
      else if (word.startsWith('load')) cmds.push(parseLoad(header, body, lineNo));
      else if (word.startsWith('eval')) cmds.push(parseEval(header, body, lineNo));
      else throw new ScriptSyntaxError(`invalid command "${word}"`);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      throw new ScriptSyntaxError(`cannot parse script at line ${lineNo}: ${msg}`, { cause: err });
    }
  }
  return cmds;
}

interface BodyLine {
  text: string;
  line: number;
}

function parseLoad(header: string, body: BodyLine[], line: number): LoadCommand {
  const parts = header.split(/\s+/);
  const word = parts[0]!.toLowerCase();
  if (parts.length !== 2) throw new ScriptSyntaxError(`invalid load header "${header}"`);
  const cmd: LoadCommand = {
    kind: 'load',
    line,
    intervalMs: parseDuration(parts[1]!),
    withNhcb: word === 'load_with_nhcb',
    series: [],
    hasHistograms: false,
    hasStartTimestamps: false,
  };
  for (const b of body) {
    const first = b.text.split(/\s+/, 1)[0] ?? '';
    if (first.endsWith('@st')) {
      cmd.hasStartTimestamps = true;
      continue;
    }
    const d = parseSeriesDesc(b.text);
    const slots = expandValues(d.rest);
    if (slots.some((s) => s.kind === 'histogram')) cmd.hasHistograms = true;
    const prev = cmd.series.findIndex((s) => s.labels.equals(d.labels));
    if (prev >= 0) cmd.series.splice(prev, 1);
    cmd.series.push({ labels: d.labels, slots });
  }
  return cmd;
}

const INSTANT_RE = /^(\S+)\s+instant\s+at\s+(\S+)\s+(.+)$/i;
const RANGE_RE = /^(\S+)\s+range\s+from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+)\s+(.+)$/i;

function parseEval(header: string, body: BodyLine[], line: number): EvalCommand {
  const cmd: EvalCommand = {
    kind: 'eval',
    line,
    expr: '',
    mode: 'instant',
    start: 0,
    end: 0,
    step: 0,
    warns: [],
    infos: [],
    noWarn: false,
    noInfo: false,
    ordered: false,
    anyWarn: false,
    anyInfo: false,
    series: [],
  };
  let word: string;
  const im = INSTANT_RE.exec(header);
  const rm = RANGE_RE.exec(header);
  if (im) {
    word = im[1]!.toLowerCase();
    cmd.start = cmd.end = parseDuration(im[2]!);
    cmd.expr = im[3]!;
  } else if (rm) {
    word = rm[1]!.toLowerCase();
    cmd.mode = 'range';
    cmd.start = parseDuration(rm[2]!);
    cmd.end = parseDuration(rm[3]!);
    cmd.step = parseDuration(rm[4]!);
    cmd.expr = rm[5]!;
    if (cmd.end < cmd.start) throw new ScriptSyntaxError('invalid range: end before start');
  } else throw new ScriptSyntaxError(`invalid eval header "${header}"`);
  if (word === 'eval_fail') cmd.fail = {};
  else if (word === 'eval_warn') cmd.anyWarn = true;
  else if (word === 'eval_info') cmd.anyInfo = true;
  else if (word === 'eval_ordered') cmd.ordered = true;
  else if (word !== 'eval') throw new ScriptSyntaxError(`invalid command "${word}"`);

  for (const b of body) {
    if (b.text.startsWith('expect ')) {
      parseExpect(cmd, b.text.slice(7).trim());
      continue;
    }
    if (b.text.startsWith('expected_fail_message ')) {
      cmd.fail = { msg: b.text.slice(22).trim() };
      continue;
    }
    if (b.text.startsWith('expected_fail_regexp ')) {
      cmd.fail = { regex: new RegExp(b.text.slice(21).trim()) };
      continue;
    }
    const scalar = parseScalarLine(b.text);
    if (scalar !== undefined) {
      cmd.expectScalar = scalar;
      break;
    }
    const d = parseSeriesDesc(b.text);
    cmd.series.push({ labels: d.labels, slots: expandValues(d.rest), line: b.line });
  }
  if (cmd.warns.length > 0 && cmd.noWarn) throw new ScriptSyntaxError('expect warn with no_warn');
  if (cmd.infos.length > 0 && cmd.noInfo) throw new ScriptSyntaxError('expect info with no_info');
  return cmd;
}

function parseExpect(cmd: EvalCommand, rest: string): void {
  const rv = /^range vector from (\S+) to (\S+) step (\S+)$/.exec(rest);
  if (rv) {
    cmd.rangeVector = {
      start: parseDuration(rv[1]!),
      end: parseDuration(rv[2]!),
      step: parseDuration(rv[3]!),
    };
    return;
  }
  if (rest.startsWith('string ')) {
    const lit = rest.slice(7).trim();
    cmd.expectString = unquote(lit);
    return;
  }
  const m = /^(\w+)\s*(?:(msg|regex)\s*:(.*))?$/.exec(rest);
  if (!m) throw new ScriptSyntaxError(`invalid expect line "${rest}"`);
  const type = m[1]!;
  const exp: AnnotationExpectation = {};
  if (m[2] === 'msg') exp.msg = m[3]!.trim();
  else if (m[2] === 'regex') exp.regex = new RegExp(m[3]!.trim());
  const hasText = m[2] !== undefined;
  switch (type) {
    case 'fail':
      if (cmd.fail) throw new ScriptSyntaxError('more than one expect fail');
      cmd.fail = exp;
      return;
    case 'warn':
      cmd.warns.push(exp);
      return;
    case 'info':
      cmd.infos.push(exp);
      return;
    case 'no_warn':
    case 'no_info':
    case 'ordered':
      if (hasText) throw new ScriptSyntaxError(`expect ${type} takes no message`);
      if (type === 'no_warn') cmd.noWarn = true;
      else if (type === 'no_info') cmd.noInfo = true;
      else cmd.ordered = true;
      return;
    default:
      throw new ScriptSyntaxError(`invalid expect type "${type}"`);
  }
}

function unquote(lit: string): string {
  const q = lit[0];
  if ((q !== '"' && q !== '`' && q !== "'") || lit[lit.length - 1] !== q)
    throw new ScriptSyntaxError(`invalid string literal ${lit}`);
  return JSON.parse(q === '"' ? lit : JSON.stringify(lit.slice(1, -1))) as string;
}

/** A body line that is just a number means a scalar result (integers first, then floats). */
function parseScalarLine(text: string): number | undefined {
  if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(text)) return Number(text.replace(/^([+-]?)0[xX]/, '$10x'));
  if (/^[+-]?0[0-7]+$/.test(text))
    return (text.startsWith('-') ? -1 : 1) * parseInt(text.replace(/^[+-]/, ''), 8);
  if (/^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|nan)$/i.test(text)) {
    const l = text.toLowerCase();
    if (l === 'inf' || l === '+inf') return Infinity;
    if (l === '-inf') return -Infinity;
    if (l.endsWith('nan')) return NaN;
    return Number(text);
  }
  return undefined;
}
