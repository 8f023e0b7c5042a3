import { createHash } from 'node:crypto';
import { Labels, LabelsBuilder } from './labels.js';
import { compileAnchored } from './matcher.js';

/** Relabeling actions of Prometheus' `relabel_config`. */
export type RelabelAction =
  | 'replace'
  | 'keep'
  | 'drop'
  | 'keepequal'
  | 'dropequal'
  | 'hashmod'
  | 'labelmap'
  | 'labeldrop'
  | 'labelkeep'
  | 'lowercase'
  | 'uppercase';

/** All relabel actions, for validation. */
export const RELABEL_ACTIONS: readonly RelabelAction[] = [
  'replace',
  'keep',
  'drop',
  'keepequal',
  'dropequal',
  'hashmod',
  'labelmap',
  'labeldrop',
  'labelkeep',
  'lowercase',
  'uppercase',
];

/** One validated relabeling step (the config area builds these from YAML). */
export interface RelabelRule {
  readonly action: RelabelAction;
  readonly sourceLabels: readonly string[];
  readonly separator: string;
  /** The anchored regular expression (Prometheus anchors `^(?:…)$`). */
  readonly regex: RegExp;
  readonly targetLabel: string;
  readonly replacement: string;
  readonly modulus: number;
}

/** Builds a rule with Prometheus' defaults for everything not given. */
export function relabelRule(
  r: Partial<Omit<RelabelRule, 'regex'>> & { regex?: string | RegExp },
): RelabelRule {
  const regex =
    r.regex instanceof RegExp ? r.regex : compileAnchored(r.regex === undefined ? '(.*)' : r.regex);
  return {
    action: r.action ?? 'replace',
    sourceLabels: r.sourceLabels ?? [],
    separator: r.separator ?? ';',
    regex,
    targetLabel: r.targetLabel ?? '',
    replacement: r.replacement ?? '$1',
    modulus: r.modulus ?? 0,
  };
}

/**
 * Applies the rules in order. Returns the new labels, or undefined when a rule drops the series
 * or target (`keep`, `drop`, `keepequal`, `dropequal`).
 */
export function relabel(labels: Labels, rules: readonly RelabelRule[]): Labels | undefined {
  if (rules.length === 0) return labels;
  const b = new LabelsBuilder(labels);
  for (const r of rules) {
    if (!applyRule(b, r)) return undefined;
  }
  return b.labels();
}

/** Applies one rule to the builder; false means the series is dropped. */
export function applyRule(b: LabelsBuilder, r: RelabelRule): boolean {
  const val = r.sourceLabels.map((n) => b.get(n)).join(r.separator);
  switch (r.action) {
    case 'drop':
      return !r.regex.test(val);
    case 'keep':
      return r.regex.test(val);
    case 'dropequal':
      return b.get(r.targetLabel) !== val;
    case 'keepequal':
      return b.get(r.targetLabel) === val;
    case 'replace': {
      const m = r.regex.exec(val);
      if (!m) return true;
      const target = expand(r.targetLabel, m);
      if (target === '') return true;
      b.set(target, expand(r.replacement, m));
      return true;
    }
    case 'lowercase':
      b.set(r.targetLabel, val.toLowerCase());
      return true;
    case 'uppercase':
      b.set(r.targetLabel, val.toUpperCase());
      return true;
    case 'hashmod': {
      const sum = createHash('md5').update(val).digest();
      const mod = sum.readBigUInt64BE(8) % BigInt(r.modulus);
      b.set(r.targetLabel, mod.toString());
      return true;
    }
    case 'labelmap': {
      for (const [name, value] of entries(b)) {
        const m = r.regex.exec(name);
        if (m) b.set(expand(r.replacement, m), value);
      }
      return true;
    }
    case 'labeldrop':
      for (const [name] of entries(b)) if (r.regex.test(name)) b.del(name);
      return true;
    case 'labelkeep':
      for (const [name] of entries(b)) if (!r.regex.test(name)) b.del(name);
      return true;
  }
}

function entries(b: LabelsBuilder): [string, string][] {
  const out: [string, string][] = [];
  b.labels().forEach((n, v) => out.push([n, v]));
  return out;
}

/**
 * Expands `$1`, `${1}`, `$name` and `${name}` like Go's `Regexp.Expand`: a `$name` reference
 * takes the longest run of letters, digits and underscores (so `$1x` means the group named `1x`,
 * which is empty), unknown groups expand to '', and `$$` is a literal `$`.
 */
export function expand(template: string, m: RegExpExecArray): string {
  if (!template.includes('$')) return template;
  let out = '';
  let i = 0;
  while (i < template.length) {
    const c = template[i]!;
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    if (template[i + 1] === '$') {
      out += '$';
      i += 2;
      continue;
    }
    let name: string;
    let next: number;
    if (template[i + 1] === '{') {
      const close = template.indexOf('}', i + 2);
      const inner = close < 0 ? '' : template.slice(i + 2, close);
      if (close < 0 || !/^[A-Za-z0-9_]+$/.test(inner)) {
        out += c;
        i++;
        continue;
      }
      name = inner;
      next = close + 1;
    } else {
      let j = i + 1;
      while (j < template.length && /[A-Za-z0-9_]/.test(template[j]!)) j++;
      if (j === i + 1) {
        out += c;
        i++;
        continue;
      }
      name = template.slice(i + 1, j);
      next = j;
    }
    out += group(m, name);
    i = next;
  }
  return out;
}

function group(m: RegExpExecArray, name: string): string {
  if (/^[0-9]+$/.test(name)) {
    const n = Number(name);
    return n < m.length ? (m[n] ?? '') : '';
  }
  return m.groups?.[name] ?? '';
}
