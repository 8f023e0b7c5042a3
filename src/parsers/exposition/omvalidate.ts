import { OpenMetricsParser } from './openmetrics.js';
import { ExpositionError, type MetricType } from './types.js';

/** Sample-name suffixes each metric type owns (OpenMetrics 1.0). */
const SUFFIXES: Record<MetricType, readonly string[]> = {
  counter: ['_total', '_created'],
  gauge: [''],
  histogram: ['_bucket', '_count', '_sum', '_created'],
  gaugehistogram: ['_bucket', '_gcount', '_gsum'],
  summary: ['', '_count', '_sum', '_created'],
  info: ['_info'],
  stateset: [''],
  unknown: [''],
};

const LE_VALUE = /^(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|\+Inf|-Inf)$/;

interface Family {
  readonly name: string;
  type: MetricType;
  hasType: boolean;
  hasHelp: boolean;
  hasUnit: boolean;
  hasSamples: boolean;
  readonly doneGroups: Set<string>;
  group: Group | undefined;
}

interface Group {
  readonly key: string;
  lastLe: number;
  lastBucket: number;
  infBucket: number | undefined;
  negativeBuckets: boolean;
  count: number | undefined;
  sum: number | undefined;
  line: number;
}

/**
 * Checks an OpenMetrics 1.0 exposition against the family-level rules of the specification:
 * metadata placement and uniqueness, name clashes, type suffixes, grouping and ordering of
 * samples, value constraints per type, histogram and summary structure, and where exemplars may
 * appear. Throws `ExpositionError` with the line of the first problem.
 */
export function validateOpenMetrics(input: string): void {
  new Validator(input).run();
}

class Validator {
  private readonly p: OpenMetricsParser;
  private readonly seen = new Map<string, Family>();
  private readonly claimed = new Map<string, string>();
  private cur: Family | undefined;
  private readonly lastTs = new Map<string, number | undefined>();
  private readonly labels: string[] = [];

  constructor(input: string) {
    this.p = new OpenMetricsParser(input);
  }

  private fail(msg: string): never {
    throw new ExpositionError(msg, this.p.lineNumber, 1);
  }

  run(): void {
    for (;;) {
      const k = this.p.next();
      if (k === 'end') break;
      if (k === 'series') this.sample();
      else this.metadata(k);
    }
    this.closeFamily();
  }

  private familyFor(name: string): Family {
    if (this.cur?.name === name) return this.cur;
    this.closeFamily();
    if (this.seen.has(name)) this.fail(`metric family ${name} appears in two places`);
    const owner = this.claimed.get(name);
    if (owner !== undefined) this.fail(`metric family ${name} clashes with family ${owner}`);
    const f: Family = {
      name,
      type: 'unknown',
      hasType: false,
      hasHelp: false,
      hasUnit: false,
      hasSamples: false,
      doneGroups: new Set(),
      group: undefined,
    };
    this.seen.set(name, f);
    this.claim(f);
    this.cur = f;
    return f;
  }

  private claim(f: Family): void {
    for (const suf of SUFFIXES[f.type]) {
      const n = f.name + suf;
      const owner = this.claimed.get(n);
      if (owner !== undefined && owner !== f.name) {
        this.fail(`metric family ${f.name} clashes with family ${owner} over ${n}`);
      }
      if (n !== f.name && this.seen.has(n)) this.fail(`metric family ${f.name} clashes with ${n}`);
      this.claimed.set(n, f.name);
    }
  }

  private metadata(kind: 'help' | 'type' | 'unit'): void {
    const f = this.familyFor(this.p.metricName());
    if (f.hasSamples) this.fail(`${kind.toUpperCase()} for ${f.name} after its samples`);
    switch (kind) {
      case 'help':
        if (f.hasHelp) this.fail(`second HELP for ${f.name}`);
        f.hasHelp = true;
        break;
      case 'unit':
        if (f.hasUnit) this.fail(`second UNIT for ${f.name}`);
        f.hasUnit = true;
        break;
      case 'type':
        if (f.hasType) this.fail(`second TYPE for ${f.name}`);
        f.hasType = true;
        f.type = this.p.metricType();
        this.claim(f);
        break;
    }
    if (f.hasUnit && (f.type === 'info' || f.type === 'stateset')) {
      this.fail(`a ${f.type} metric cannot have a UNIT`);
    }
  }

  private sample(): void {
    const name = this.p.metricName();
    let f = this.cur;
    let suffix: string | undefined;
    if (f) suffix = SUFFIXES[f.type].find((s) => name === f!.name + s);
    if (!f || suffix === undefined) {
      f = this.familyFor(name);
      suffix = '';
      if (!SUFFIXES[f.type].includes('')) this.fail(`sample ${name} does not fit type ${f.type}`);
    }
    f.hasSamples = true;
    const labels = this.p.labels(((this.labels.length = 0), this.labels));
    const v = this.p.value();
    const ex = this.p.exemplar();
    if (ex && !((f.type === 'counter' && suffix === '_total') || suffix === '_bucket')) {
      this.fail(`exemplars are not allowed on ${name} (type ${f.type})`);
    }
    this.checkTimestamp(name, labels);
    const special = f.type === 'summary' ? 'quantile' : suffix === '_bucket' ? 'le' : '';
    const key = groupKey(labels, special);
    if (f.group?.key !== key) {
      this.closeGroup(f);
      if (f.doneGroups.has(key)) this.fail(`samples of ${f.name}{${key}} are not contiguous`);
      f.group = newGroup(key, this.p.lineNumber);
    }
    this.checkValue(f, f.group, suffix, labels, v);
  }

  private checkTimestamp(name: string, labels: readonly string[]): void {
    const id = name + '\x00' + labels.join('\x00');
    const ts = this.p.timestampMs();
    if (this.lastTs.has(id)) {
      const prev = this.lastTs.get(id);
      if ((prev === undefined) !== (ts === undefined)) {
        this.fail(`series ${name} mixes samples with and without timestamps`);
      }
      if (prev !== undefined && ts !== undefined && ts < prev) {
        this.fail(`timestamps of ${name} go backwards`);
      }
    }
    this.lastTs.set(id, ts);
  }

  private checkValue(
    f: Family,
    g: Group,
    suffix: string,
    labels: readonly string[],
    v: number,
  ): void {
    const nonNeg = (what: string): void => {
      if (Number.isNaN(v) || v < 0) this.fail(`${what} of ${f.name} must be a non-negative number`);
    };
    switch (f.type) {
      case 'counter':
        if (suffix === '_total') nonNeg('the counter value');
        return;
      case 'info':
        if (v !== 1) this.fail(`info metric ${f.name} must have the value 1`);
        return;
      case 'stateset':
        if (labelValue(labels, f.name) === undefined) {
          this.fail(`stateset ${f.name} needs a label named ${f.name}`);
        }
        if (v !== 0 && v !== 1) this.fail(`stateset ${f.name} values must be 0 or 1`);
        return;
      case 'summary':
        if (suffix === '') {
          const q = labelValue(labels, 'quantile');
          const qv = q === undefined ? NaN : Number(q);
          if (q === undefined || q === '' || !(qv >= 0 && qv <= 1)) {
            this.fail(`summary ${f.name} needs a quantile label between 0 and 1`);
          }
          if (v < 0) this.fail(`quantile values of ${f.name} must not be negative`);
        } else if (suffix === '_sum' || suffix === '_count') nonNeg(suffix);
        return;
      case 'histogram':
      case 'gaugehistogram':
        this.checkHistogram(f, g, suffix, labels, v, nonNeg);
        return;
      case 'gauge':
      case 'unknown':
        return;
    }
  }

  private checkHistogram(
    f: Family,
    g: Group,
    suffix: string,
    labels: readonly string[],
    v: number,
    nonNeg: (what: string) => void,
  ): void {
    switch (suffix) {
      case '_bucket': {
        const le = labelValue(labels, 'le');
        if (le === undefined || !LE_VALUE.test(le))
          this.fail(`bucket of ${f.name} needs a valid le label`);
        const lev = Number(le === '+Inf' ? Infinity : le === '-Inf' ? -Infinity : le);
        nonNeg('bucket values');
        if (lev <= g.lastLe) this.fail(`buckets of ${f.name} are not in increasing le order`);
        if (v < g.lastBucket) this.fail(`bucket counts of ${f.name} decrease`);
        g.lastLe = lev;
        g.lastBucket = v;
        if (lev < 0) g.negativeBuckets = true;
        if (lev === Infinity) g.infBucket = v;
        return;
      }
      case '_count':
      case '_gcount':
        nonNeg(suffix);
        g.count = v;
        return;
      case '_sum':
        nonNeg(suffix);
        g.sum = v;
        return;
      case '_gsum':
        if (Number.isNaN(v)) this.fail(`_gsum of ${f.name} must not be NaN`);
        g.sum = v;
        return;
      default:
        return;
    }
  }

  private closeGroup(f: Family): void {
    const g = f.group;
    if (!g) return;
    f.group = undefined;
    f.doneGroups.add(g.key);
    if (f.type !== 'histogram' && f.type !== 'gaugehistogram') return;
    const fail = (msg: string): never => {
      throw new ExpositionError(msg, g.line, 1);
    };
    if (g.infBucket === undefined) fail(`histogram ${f.name} has no +Inf bucket`);
    if ((g.count === undefined) !== (g.sum === undefined)) {
      fail(`histogram ${f.name} must have both or neither of its count and sum`);
    }
    if (g.count !== undefined && g.count !== g.infBucket) {
      fail(`count of ${f.name} differs from its +Inf bucket`);
    }
    if (f.type === 'histogram' && g.negativeBuckets && g.sum !== undefined) {
      fail(`histogram ${f.name} with negative buckets must not have a sum`);
    }
    if (f.type === 'gaugehistogram' && g.sum !== undefined && g.sum < 0 && !g.negativeBuckets) {
      fail(`_gsum of ${f.name} is negative without negative buckets`);
    }
  }

  private closeFamily(): void {
    if (this.cur) this.closeGroup(this.cur);
  }
}

function newGroup(key: string, line: number): Group {
  return {
    key,
    lastLe: -Infinity,
    lastBucket: 0,
    infBucket: undefined,
    negativeBuckets: false,
    count: undefined,
    sum: undefined,
    line,
  };
}

function groupKey(labels: readonly string[], special: string): string {
  const parts: string[] = [];
  for (let i = 0; i < labels.length; i += 2) {
    if (labels[i] !== special) parts.push(`${labels[i]}=${JSON.stringify(labels[i + 1])}`);
  }
  return parts.sort().join(',');
}

function labelValue(labels: readonly string[], name: string): string | undefined {
  for (let i = 0; i < labels.length; i += 2) if (labels[i] === name) return labels[i + 1];
  return undefined;
}
