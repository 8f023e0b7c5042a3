import { parseDuration } from '../../config/index.js';
import { RuleTestError } from '../errors.js';
import {
  YamlShapeError,
  keyText,
  mapPairs,
  parseYamlDoc,
  posOf,
  scalarText,
  seqItems,
  stringMap,
  type YamlDoc,
} from '../yamlnode.js';

/** One expected alert. */
export interface ExpAlert {
  readonly labels: ReadonlyMap<string, string>;
  readonly annotations: ReadonlyMap<string, string>;
}

/** An `alert_rule_test` case. */
export interface AlertTestCase {
  readonly evalTimeMs: number;
  readonly alertname: string;
  readonly expAlerts: readonly ExpAlert[];
}

/** An expected sample of a `promql_expr_test`. */
export interface ExpSample {
  readonly labels: string;
  readonly value: number;
  /** Set when the sample is a native histogram (not supported). */
  readonly histogram: boolean;
}

/** A `promql_expr_test` case. */
export interface PromqlTestCase {
  readonly expr: string;
  readonly evalTimeMs: number;
  readonly expSamples: readonly ExpSample[];
}

/** A test group of a unit-test file. */
export interface TestGroup {
  readonly name: string;
  /** Input series step, ms (0 = the file's evaluation interval). */
  readonly intervalMs: number;
  readonly inputSeries: readonly { readonly series: string; readonly values: string }[];
  readonly alertTests: readonly AlertTestCase[];
  readonly promqlTests: readonly PromqlTestCase[];
  readonly externalLabels: ReadonlyMap<string, string>;
  readonly externalURL: string;
  /** Base time of samples and evaluations, ms. */
  readonly startMs: number;
}

/** A parsed `promtool test rules` file. */
export interface UnitTestFile {
  readonly ruleFiles: readonly string[];
  readonly evaluationIntervalMs: number;
  readonly fuzzyCompare: boolean;
  readonly groupEvalOrder: readonly string[];
  readonly tests: readonly TestGroup[];
}

const FIELDS: Record<string, ReadonlySet<string>> = {
  'main.unitTestFile': new Set([
    'rule_files',
    'evaluation_interval',
    'fuzzy_compare',
    'group_eval_order',
    'tests',
  ]),
  'main.testGroup': new Set([
    'interval',
    'input_series',
    'alert_rule_test',
    'promql_expr_test',
    'external_labels',
    'external_url',
    'name',
    'start_timestamp',
  ]),
  'main.series': new Set(['series', 'values']),
  'main.alertTestCase': new Set(['eval_time', 'alertname', 'exp_alerts']),
  'main.alert': new Set(['exp_labels', 'exp_annotations']),
  'main.promqlTestCase': new Set(['expr', 'eval_time', 'exp_samples']),
  'main.sample': new Set(['labels', 'value', 'histogram']),
};

class Reader {
  readonly unknown: string[] = [];
  constructor(
    readonly doc: YamlDoc,
    readonly strict: boolean,
  ) {}

  fields(node: unknown, type: string): Map<string, unknown> {
    const out = new Map<string, unknown>();
    const known = FIELDS[type];
    for (const p of mapPairs(this.doc, node, type)) {
      const k = keyText(p.key);
      if (this.strict && known && !known.has(k)) {
        this.unknown.push(
          `line ${posOf(this.doc, p.key)?.line ?? 0}: field ${k} not found in type ${type}`,
        );
      }
      out.set(k, p.value);
    }
    return out;
  }

  str(n: unknown): string {
    return scalarText(this.doc, n, 'string');
  }

  dur(n: unknown): number {
    const s = this.str(n);
    if (s === '') return 0;
    try {
      return parseDuration(s);
    } catch {
      throw new YamlShapeError(`not a valid duration string: "${s}"`, posOf(this.doc, n)?.line);
    }
  }

  list(n: unknown): unknown[] {
    return seqItems(this.doc, n, '[]');
  }
}

function startTimestamp(s: string): number {
  if (s === '') return 0;
  if (/^-?\d+$/.test(s)) return Number(s) * 1000;
  const t = Date.parse(s);
  if (Number.isNaN(t))
    throw new YamlShapeError(`cannot parse start_timestamp ${JSON.stringify(s)}`, undefined);
  return t;
}

function readGroup(r: Reader, node: unknown): TestGroup {
  const f = r.fields(node, 'main.testGroup');
  return {
    name: r.str(f.get('name')),
    intervalMs: r.dur(f.get('interval')),
    inputSeries: r.list(f.get('input_series')).map((s) => {
      const sf = r.fields(s, 'main.series');
      return { series: r.str(sf.get('series')), values: r.str(sf.get('values')) };
    }),
    alertTests: r.list(f.get('alert_rule_test')).map((a) => {
      const af = r.fields(a, 'main.alertTestCase');
      return {
        evalTimeMs: r.dur(af.get('eval_time')),
        alertname: r.str(af.get('alertname')),
        expAlerts: r.list(af.get('exp_alerts')).map((e) => {
          const ef = r.fields(e, 'main.alert');
          return {
            labels: stringMap(r.doc, ef.get('exp_labels'), 'exp_labels'),
            annotations: stringMap(r.doc, ef.get('exp_annotations'), 'exp_annotations'),
          };
        }),
      };
    }),
    promqlTests: r.list(f.get('promql_expr_test')).map((p) => {
      const pf = r.fields(p, 'main.promqlTestCase');
      return {
        expr: r.str(pf.get('expr')),
        evalTimeMs: r.dur(pf.get('eval_time')),
        expSamples: r.list(pf.get('exp_samples')).map((s) => {
          const sf = r.fields(s, 'main.sample');
          const v = r.str(sf.get('value'));
          return {
            labels: r.str(sf.get('labels')),
            value: v === '' ? 0 : parseGoFloat(v),
            histogram: r.str(sf.get('histogram')) !== '',
          };
        }),
      };
    }),
    externalLabels: stringMap(r.doc, f.get('external_labels'), 'external_labels'),
    externalURL: r.str(f.get('external_url')),
    startMs: startTimestamp(r.str(f.get('start_timestamp'))),
  };
}

/** Parses a float as YAML into a Go float64 would (`.inf`, `.nan` included). */
function parseGoFloat(s: string): number {
  const l = s.toLowerCase();
  if (l === '.inf' || l === '+.inf') return Infinity;
  if (l === '-.inf') return -Infinity;
  if (l === '.nan') return NaN;
  const v = Number(s);
  if (Number.isNaN(v))
    throw new YamlShapeError(`cannot unmarshal !!str \`${s}\` into float64`, undefined);
  return v;
}

/** Parses a unit-test file; throws RuleTestError with go-yaml-like messages. */
export function parseUnitTestFile(text: string, ignoreUnknownFields = false): UnitTestFile {
  try {
    const doc = parseYamlDoc(text);
    const r = new Reader(doc, !ignoreUnknownFields);
    const f = r.fields(doc.root, 'main.unitTestFile');
    const out: UnitTestFile = {
      ruleFiles: r.list(f.get('rule_files')).map((n) => r.str(n)),
      evaluationIntervalMs: r.dur(f.get('evaluation_interval')) || 60_000,
      fuzzyCompare: r.str(f.get('fuzzy_compare')) === 'true',
      groupEvalOrder: r.list(f.get('group_eval_order')).map((n) => r.str(n)),
      tests: r.list(f.get('tests')).map((g) => readGroup(r, g)),
    };
    if (r.unknown.length > 0)
      throw new RuleTestError(`yaml: unmarshal errors:\n  ${r.unknown.join('\n  ')}`);
    return out;
  } catch (e) {
    if (e instanceof YamlShapeError) {
      const lead = e.line === undefined ? '' : `line ${e.line}: `;
      throw new RuleTestError(`yaml: unmarshal errors:\n  ${lead}${e.message}`);
    }
    throw e;
  }
}
