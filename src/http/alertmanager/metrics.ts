/**
 * Self-metrics of rules and alerting on `/metrics`, under the names Prometheus and Alertmanager
 * use (so their dashboards and mixin alerts work): rule group durations and sizes, alert and
 * silence counts, notifications per integration, and the external-Alertmanager queue.
 * Values are read from the running parts at scrape time.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { AlertForwarder, Alertmanager } from '../../notify/index.js';
import type { Group } from '../../rules/index.js';
import { silenceState } from '../../notify/index.js';

/** Where the metrics read from; each may be undefined before the part has started. */
export interface AlertingMetricsDeps {
  readonly ruleGroups: () => readonly Group[];
  readonly alertmanager: () => Alertmanager | undefined;
  readonly forwarder: () => AlertForwarder | undefined;
}

/** Registers the rule and alerting metrics on `registry`. */
export function registerAlertingMetrics(registry: Registry, deps: AlertingMetricsDeps): void {
  const groupGauge = (name: string, help: string, value: (g: Group) => number): void => {
    new Gauge({
      name,
      help,
      labelNames: ['rule_group'],
      registers: [registry],
      collect() {
        this.reset();
        for (const g of deps.ruleGroups())
          this.set({ rule_group: `${g.file};${g.name}` }, value(g));
      },
    });
  };
  groupGauge(
    'prometheus_rule_group_last_duration_seconds',
    'The duration of the last rule group evaluation.',
    (g) => g.evaluationTime,
  );
  groupGauge(
    'prometheus_rule_group_last_evaluation_timestamp_seconds',
    'The timestamp of the last rule group evaluation in seconds.',
    (g) => g.lastEvaluation / 1000,
  );
  groupGauge(
    'prometheus_rule_group_interval_seconds',
    'The interval of a rule group.',
    (g) => g.intervalMs / 1000,
  );
  groupGauge('prometheus_rule_group_rules', 'The number of rules.', (g) => g.rules.length);
  groupGauge(
    'kansoku_rule_group_failed_rules',
    'Rules of the group whose last evaluation failed.',
    (g) => g.rules.filter((r) => r.status.health === 'err').length,
  );

  new Gauge({
    name: 'alertmanager_alerts',
    help: 'How many alerts by state.',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.reset();
      const am = deps.alertmanager();
      if (!am) return;
      let active = 0;
      let suppressed = 0;
      const now = am.clock.now();
      for (const [, a] of am.store.list()) {
        if (a.endsAtMs <= now) continue;
        const st = am.status(a);
        if (st.silencedBy.length > 0 || st.inhibitedBy.length > 0) suppressed++;
        else active++;
      }
      this.set({ state: 'active' }, active);
      this.set({ state: 'suppressed' }, suppressed);
    },
  });
  new Gauge({
    name: 'alertmanager_silences',
    help: 'How many silences by state.',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.reset();
      const am = deps.alertmanager();
      if (!am) return;
      const now = am.clock.now();
      const n = { active: 0, pending: 0, expired: 0 };
      for (const s of am.silences.list()) n[silenceState(s, now)]++;
      for (const [state, v] of Object.entries(n)) this.set({ state }, v);
    },
  });
  const deliveries = (
    name: string,
    help: string,
    pick: (d: { total: number; failed: number }) => number,
  ): void => {
    new Counter({
      name,
      help,
      labelNames: ['integration'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [kind, d] of deps.alertmanager()?.deliveries ?? [])
          this.inc({ integration: kind }, pick(d));
      },
    });
  };
  deliveries(
    'alertmanager_notifications_total',
    'The total number of attempted notifications.',
    (d) => d.total,
  );
  deliveries(
    'alertmanager_notifications_failed_total',
    'The total number of failed notifications.',
    (d) => d.failed,
  );

  const fwd = (
    name: string,
    help: string,
    pick: (f: AlertForwarder) => number,
    counter: boolean,
  ): void => {
    const opts = {
      name,
      help,
      registers: [registry],
    };
    if (counter)
      new Counter({
        ...opts,
        collect() {
          this.reset();
          const f = deps.forwarder();
          if (f) this.inc(pick(f));
        },
      });
    else
      new Gauge({
        ...opts,
        collect() {
          const f = deps.forwarder();
          this.set(f ? pick(f) : 0);
        },
      });
  };
  fwd(
    'prometheus_notifications_sent_total',
    'Total number of alerts sent to external Alertmanagers.',
    (f) => f.stats.sent,
    true,
  );
  fwd(
    'prometheus_notifications_errors_total',
    'Total number of errors sending alert notifications.',
    (f) => f.stats.errors,
    true,
  );
  fwd(
    'prometheus_notifications_dropped_total',
    'Total number of alerts dropped due to errors or a full queue.',
    (f) => f.stats.dropped,
    true,
  );
  fwd(
    'prometheus_notifications_queue_length',
    'The number of alert notifications in the queue.',
    (f) => f.queueLength(),
    false,
  );
  fwd(
    'prometheus_notifications_alertmanagers_discovered',
    'The number of external Alertmanagers discovered and active.',
    (f) => f.urlCount(),
    false,
  );
}
