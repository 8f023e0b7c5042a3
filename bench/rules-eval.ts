/**
 * Measuring rule evaluation on one server: parse Prometheus' own rule-group metrics and
 * Kansoku's `/api/v1/rules`, and keep one duration per group evaluation.
 */
import { parseJson, pick } from './http.js';

/** One observed evaluation of a group. */
export interface GroupEval {
  /** `<file>;<group>` as Prometheus names groups in its metrics. */
  readonly group: string;
  /** When the evaluation ran (Unix seconds), to count each evaluation once. */
  readonly at: number;
  /** Evaluation duration in seconds. */
  readonly seconds: number;
}

const METRIC_RE =
  /^prometheus_rule_group_(last_duration_seconds|last_evaluation_timestamp_seconds)\{rule_group="((?:[^"\\]|\\.)*)"\} (\S+)$/;

/**
 * The evaluations in Prometheus' `/metrics` text: `prometheus_rule_group_last_duration_seconds`
 * paired with `prometheus_rule_group_last_evaluation_timestamp_seconds` per `rule_group`. Groups
 * not evaluated yet (timestamp 0 or missing) are left out.
 */
export function evalsFromMetrics(text: string): GroupEval[] {
  const dur = new Map<string, number>();
  const at = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = METRIC_RE.exec(line);
    if (!m) continue;
    const group = (m[2] ?? '').replace(/\\(.)/g, '$1');
    (m[1] === 'last_duration_seconds' ? dur : at).set(group, Number(m[3]));
  }
  const out: GroupEval[] = [];
  for (const [group, seconds] of dur) {
    const t = at.get(group) ?? 0;
    if (t > 0 && Number.isFinite(seconds)) out.push({ group, at: t, seconds });
  }
  return out;
}

/** The evaluations in a `/api/v1/rules` answer (group `evaluationTime` and `lastEvaluation`). */
export function evalsFromRulesApi(body: string): GroupEval[] {
  const groups = pick(parseJson(body), 'data', 'groups');
  if (!Array.isArray(groups)) throw new Error(`no rule groups in: ${body.slice(0, 200)}`);
  const out: GroupEval[] = [];
  for (const g of groups as unknown[]) {
    const file = pick(g, 'file');
    const name = pick(g, 'name');
    const seconds = pick(g, 'evaluationTime');
    const last = pick(g, 'lastEvaluation');
    if (typeof file !== 'string' || typeof name !== 'string' || typeof seconds !== 'number')
      continue;
    const at = typeof last === 'string' ? Date.parse(last) / 1000 : Number.NaN;
    if (!Number.isFinite(at) || at <= 0) continue;
    out.push({ group: `${file};${name}`, at, seconds });
  }
  return out;
}

/** Collects evaluations, each (group, time) once. */
export class EvalLog {
  private readonly seen = new Set<string>();
  readonly byGroup = new Map<string, number[]>();

  /** Adds the evaluations not seen before; returns how many were new. */
  add(evals: readonly GroupEval[]): number {
    let n = 0;
    for (const e of evals) {
      const key = `${e.group}\u0000${e.at}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      const list = this.byGroup.get(e.group) ?? [];
      list.push(e.seconds);
      this.byGroup.set(e.group, list);
      n++;
    }
    return n;
  }
}
