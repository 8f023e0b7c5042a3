import { Labels, LabelsBuilder, METRIC_NAME, relabel, type RelabelRule } from '../model/index.js';

/** Limits on scraped label sets (`label_limit`, `label_name_length_limit`, …); 0 = none. */
export interface LabelLimits {
  readonly labelLimit: number;
  readonly labelNameLengthLimit: number;
  readonly labelValueLengthLimit: number;
}

/**
 * Builds a scraped series' final labels: the scraped labels merged with the target's labels
 * (`honor_labels` keeps scraped values on conflict; otherwise scraped labels are renamed to
 * `exported_<name>`), then `metric_relabel_configs`. Returns undefined when relabeling drops it,
 * or an error string when a limit is exceeded.
 */
export function sampleLabels(
  scraped: Labels,
  target: Labels,
  honorLabels: boolean,
  rules: readonly RelabelRule[],
  limits: LabelLimits,
): Labels | undefined | string {
  const b = new LabelsBuilder(scraped);
  if (honorLabels) {
    target.forEach((n, v) => {
      if (b.get(n) === '') b.set(n, v);
    });
  } else {
    const conflicts: [string, string][] = [];
    target.forEach((n) => {
      const existing = scraped.get(n);
      if (existing !== '') conflicts.push([n, existing]);
    });
    for (const [n, v] of conflicts) {
      let name = `exported_${n}`;
      while (scraped.get(name) !== '') name = `exported_${name}`;
      b.set(name, v);
    }
    target.forEach((n, v) => b.set(n, v));
  }
  const merged = b.labels();
  const out = relabel(merged, rules);
  if (out === undefined) return undefined;
  if (out.get(METRIC_NAME) === '') return undefined;
  if (limits.labelLimit > 0 && out.size > limits.labelLimit) {
    return `label_limit exceeded (metric: ${out.metricName()}, number of labels: ${out.size}, limit: ${limits.labelLimit})`;
  }
  for (let i = 0; i < out.size; i++) {
    const n = out.nameAt(i);
    const v = out.valueAt(i);
    if (limits.labelNameLengthLimit > 0 && n.length > limits.labelNameLengthLimit) {
      return `label_name_length_limit exceeded (metric: ${out.metricName()}, label name: ${n}, limit: ${limits.labelNameLengthLimit})`;
    }
    if (limits.labelValueLengthLimit > 0 && v.length > limits.labelValueLengthLimit) {
      return `label_value_length_limit exceeded (metric: ${out.metricName()}, label name: ${n}, value: ${JSON.stringify(v)}, limit: ${limits.labelValueLengthLimit})`;
    }
  }
  return out;
}
