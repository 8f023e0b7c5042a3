import type { Expr } from '../promql/parser/index.js';

/** Whether a rule records a series or raises alerts. */
export type RuleKind = 'recording' | 'alerting';

/** One validated rule of a rule file. Label and annotation maps keep file order. */
export interface RuleSpec {
  readonly kind: RuleKind;
  /** The `record` or `alert` name. */
  readonly name: string;
  /** The expression as written in the file. */
  readonly expr: string;
  readonly parsed: Expr;
  /** `for` in ms (alerting rules; 0 otherwise). */
  readonly forMs: number;
  /** `keep_firing_for` in ms (alerting rules; 0 otherwise). */
  readonly keepFiringForMs: number;
  readonly labels: ReadonlyMap<string, string>;
  readonly annotations: ReadonlyMap<string, string>;
  /** 1-based line of the rule in its file. */
  readonly line: number;
}

/** One validated rule group. */
export interface GroupSpec {
  readonly name: string;
  /** The file it came from, as given to the loader. */
  readonly file: string;
  /** `interval` in ms; 0 means the global evaluation interval. */
  readonly intervalMs: number;
  /** `query_offset` in ms; undefined means the global rule query offset. */
  readonly queryOffsetMs: number | undefined;
  /** `limit`; 0 means no limit. */
  readonly limit: number;
  /** Group labels, added to every rule's result (rule labels win). */
  readonly labels: ReadonlyMap<string, string>;
  readonly rules: readonly RuleSpec[];
}

/** How metric and label names are validated: Prometheus 2 (`legacy`) or Prometheus 3 (`utf8`). */
export type NameValidation = 'legacy' | 'utf8';

/** Options of rule file loading. */
export interface RuleFileOptions {
  /** Default `legacy`, as `promtool check rules` of Prometheus 2. */
  readonly nameValidation?: NameValidation;
  /** Accept unknown fields instead of rejecting them (promtool's `--ignore-unknown-fields`). */
  readonly ignoreUnknownFields?: boolean;
}
