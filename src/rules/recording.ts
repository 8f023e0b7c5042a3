import { LabelsBuilder, type Labels } from '../model/index.js';
import {
  labelsKey,
  newEvalStatus,
  type EvalStatus,
  type QueryFn,
  type QuerySample,
} from './query.js';
import type { RuleSpec } from './types.js';

/** A rule result that could not be used (duplicate series, limit exceeded). */
export class RuleEvalError extends Error {
  override readonly name = 'RuleEvalError';
}

/** Applies the rule's labels (which win over the result's) and sets `__name__` if given. */
export function relabelResult(
  samples: readonly QuerySample[],
  labels: ReadonlyMap<string, string>,
  name: string | undefined,
): QuerySample[] {
  const b = new LabelsBuilder();
  const out: QuerySample[] = [];
  const seen = new Set<string>();
  for (const s of samples) {
    b.reset(s.labels);
    if (name !== undefined) b.set('__name__', name);
    for (const [k, v] of labels) b.set(k, v);
    const l: Labels = b.labels();
    const key = labelsKey(l);
    if (seen.has(key)) {
      throw new RuleEvalError(
        'vector contains metrics with the same labelset after applying rule labels',
      );
    }
    seen.add(key);
    out.push({ labels: l, t: s.t, v: s.v });
  }
  return out;
}

/** A recording rule: evaluates its expression and returns the series to write under its name. */
export class RecordingRule {
  readonly status: EvalStatus = newEvalStatus();

  constructor(
    readonly spec: RuleSpec,
    /** Group labels merged under the rule's own labels. */
    readonly labels: ReadonlyMap<string, string>,
  ) {}

  /** The rule's name (`record`). */
  get name(): string {
    return this.spec.name;
  }

  /** Evaluates at `queryTimeMs`; the result carries `tsMs` as its timestamp. */
  async eval(
    query: QueryFn,
    tsMs: number,
    queryTimeMs: number,
    limit: number,
    signal?: AbortSignal,
  ): Promise<QuerySample[]> {
    const res = await query(this.spec.expr, queryTimeMs, signal);
    const out = relabelResult(
      res.map((s) => ({ labels: s.labels, t: tsMs, v: s.v })),
      this.labels,
      this.spec.name,
    );
    if (limit > 0 && out.length > limit) {
      throw new RuleEvalError(`exceeded limit of ${limit} with ${out.length} series`);
    }
    return out;
  }
}
