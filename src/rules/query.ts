import { Labels } from '../model/index.js';

/** One sample of an instant vector: labels, timestamp (ms) and value. */
export interface QuerySample {
  readonly labels: Labels;
  /** Timestamp in ms (the evaluation time for instant queries). */
  readonly t: number;
  readonly v: number;
}

/**
 * Runs an instant query at `timeMs` and returns its samples. A scalar result is returned as one
 * sample with no labels; other result types are errors. Provided by the composition root (it
 * wraps the PromQL engine); the rules never see the engine itself.
 */
export type QueryFn = (
  expr: string,
  timeMs: number,
  signal?: AbortSignal,
) => Promise<QuerySample[]>;

/** An alert as handed to the notifier: what Alertmanager's API receives. */
export interface NotifyAlert {
  readonly labels: Labels;
  readonly annotations: Labels;
  /** When the alert started firing, in ms. */
  readonly startsAt: number;
  /** When the alert resolved, or until when it is valid if still firing, in ms. */
  readonly endsAt: number;
  readonly generatorURL: string;
}

/** Receives the alerts to send after an evaluation (firing ones again every resend delay). */
export type NotifyFn = (alerts: readonly NotifyAlert[]) => void;

/** One alert state change seen by an evaluation (for the alert history). */
export interface AlertChange {
  /** The new state; `resolved` for firing → inactive, `inactive` for a pending alert dropped. */
  readonly state: 'pending' | 'firing' | 'resolved' | 'inactive';
  readonly labels: Labels;
  readonly value: number;
  /** Evaluation time, ms. */
  readonly t: number;
}

/** Receives the alert state changes of each evaluation (only called when there are some). */
export type AlertChangeFn = (changes: readonly AlertChange[]) => void;

/** The evaluation health of a rule, as in Prometheus' API. */
export type RuleHealth = 'ok' | 'err' | 'unknown';

/** The state of one alert. */
export type AlertState = 'inactive' | 'pending' | 'firing';

/** Evaluation bookkeeping shared by both rule kinds. */
export interface EvalStatus {
  health: RuleHealth;
  lastError: string;
  /** Timestamp of the last evaluation in ms (0 before the first one). */
  lastEvaluation: number;
  /** Duration of the last evaluation in seconds. */
  evaluationTime: number;
}

/** A fresh status: unknown health, never evaluated. */
export function newEvalStatus(): EvalStatus {
  return { health: 'unknown', lastError: '', lastEvaluation: 0, evaluationTime: 0 };
}

/** A string key that identifies a label set (for maps). */
export function labelsKey(l: Labels): string {
  return l.flat.join('\u0000');
}

/** The result of an engine instant query, as far as the rules need it (structural type). */
export type EngineValue =
  | { readonly type: 'vector'; readonly series: readonly QuerySample[] }
  | { readonly type: 'scalar'; readonly t: number; readonly v: number }
  | { readonly type: 'string'; readonly t: number; readonly v: string }
  | { readonly type: 'matrix'; readonly series: readonly unknown[] };

/** An engine's instant query over a queryable (for example `engine.instantQuery.bind(engine)`). */
export type EngineQueryFn<Q> = (
  queryable: Q,
  expr: string,
  timeMs: number,
  opts?: { signal?: AbortSignal },
) => Promise<{ readonly value: EngineValue }>;

/** Makes a QueryFn from an engine's instant query: vectors pass, scalars become one sample. */
export function queryFnFrom<Q>(engineQuery: EngineQueryFn<Q>, queryable: Q): QueryFn {
  return async (expr, timeMs, signal) => {
    const r = await engineQuery(queryable, expr, timeMs, signal ? { signal } : {});
    const v = r.value;
    switch (v.type) {
      case 'vector':
        return [...v.series];
      case 'scalar':
        return [{ labels: Labels.EMPTY, t: v.t, v: v.v }];
      case 'string':
      case 'matrix':
        throw new Error(
          `cannot evaluate rule expression: result is a ${v.type}, not a vector or scalar`,
        );
    }
  };
}
