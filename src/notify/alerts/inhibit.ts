import type { Labels, Matcher } from '../../model/index.js';
import type { InhibitRuleConfig } from '../config/index.js';
import { isResolved, type Alert } from './alert.js';
import type { AlertStore } from './store.js';
import { fingerprint } from './alert.js';

function all(ms: readonly Matcher[], l: Labels): boolean {
  return ms.every((m) => m.matches(l.get(m.name)));
}

/**
 * Inhibition: an alert matching a rule's target matchers is muted while a firing alert matches
 * the source matchers and has the same values for the rule's `equal` labels (a missing label
 * equals the empty value). An alert matching both sides cannot be inhibited by alerts that also
 * match both sides, so that nothing inhibits itself.
 */
export class Inhibitor {
  constructor(
    private readonly rules: readonly InhibitRuleConfig[],
    private readonly store: AlertStore,
  ) {}

  /** Fingerprints of the alerts inhibiting an alert with these labels (sorted, unique). */
  mutes(labels: Labels, nowMs: number): string[] {
    const by = new Set<string>();
    const self = fingerprint(labels);
    for (const rule of this.rules) {
      if (!all(rule.targetMatchers, labels)) continue;
      const twoSided = all(rule.sourceMatchers, labels);
      for (const [fp, src] of this.store.list()) {
        if (fp === self || !isFiringSource(src, rule, nowMs)) continue;
        if (!rule.equal.every((n) => src.labels.get(n) === labels.get(n))) continue;
        if (twoSided && all(rule.targetMatchers, src.labels)) continue;
        by.add(fp);
      }
    }
    return [...by].sort();
  }
}

function isFiringSource(a: Alert, rule: InhibitRuleConfig, nowMs: number): boolean {
  return !isResolved(a, nowMs) && all(rule.sourceMatchers, a.labels);
}
