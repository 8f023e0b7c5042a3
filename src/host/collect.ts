/** Runs the enabled host collectors and renders their metrics as the text exposition. */
import { Logger } from '../util/index.js';
import {
  type CollectContext,
  type CollectorFn,
  type HostCollectorState,
  NoDataError,
  newCollectorState,
} from './context.js';
import { collectCpu, collectStat } from './cpu.js';
import { collectCpufreq } from './cpufreq.js';
import { collectDiskstats, collectFilesystem } from './disk.js';
import { collectDmi } from './dmi.js';
import { collectEdac } from './edac.js';
import { MetricFamily, renderFamilies } from './family.js';
import { collectMdadm } from './mdadm.js';
import { collectMeminfo, collectVmstat } from './memory.js';
import { collectNetclass } from './netclass.js';
import { collectNetdev, collectNetstat, collectSockstat } from './network.js';
import {
  collectArp,
  collectConntrack,
  collectOs,
  collectSoftnet,
  collectUdpQueues,
} from './netmisc.js';
import {
  HOST_COLLECTORS,
  type HostCollectorName,
  type HostMetricsOptions,
  defaultHostMetricsOptions,
} from './options.js';
import { collectPowerSupplyClass } from './powersupply.js';
import { collectRapl } from './rapl.js';
import { collectSchedstat } from './schedstat.js';
import {
  collectEntropy,
  collectFilefd,
  collectLoadavg,
  collectPressure,
  collectTime,
  collectUname,
} from './system.js';
import { collectTextfile } from './textfile.js';
import { collectHwmon, collectThermalZone } from './thermal.js';

/** Every collector by name (a registry as data). */
const COLLECTORS: Readonly<Record<HostCollectorName, CollectorFn>> = {
  cpu: collectCpu,
  meminfo: collectMeminfo,
  loadavg: collectLoadavg,
  stat: collectStat,
  uname: collectUname,
  time: collectTime,
  netdev: collectNetdev,
  filesystem: collectFilesystem,
  diskstats: collectDiskstats,
  pressure: collectPressure,
  thermal_zone: collectThermalZone,
  hwmon: collectHwmon,
  sockstat: collectSockstat,
  vmstat: collectVmstat,
  filefd: collectFilefd,
  entropy: collectEntropy,
  netstat: collectNetstat,
  conntrack: collectConntrack,
  arp: collectArp,
  softnet: collectSoftnet,
  udp_queues: collectUdpQueues,
  os: collectOs,
  netclass: collectNetclass,
  cpufreq: collectCpufreq,
  schedstat: collectSchedstat,
  mdadm: collectMdadm,
  dmi: collectDmi,
  powersupplyclass: collectPowerSupplyClass,
  rapl: collectRapl,
  edac: collectEdac,
  textfile: collectTextfile,
};

/** The outcome of one collector run, for callers that want more than the text. */
export interface CollectorResult {
  readonly name: HostCollectorName;
  readonly ok: boolean;
  readonly seconds: number;
  /** The error message when `ok` is false. */
  readonly error: string | null;
  readonly families: readonly MetricFamily[];
}

/**
 * Host metrics in node_exporter's shape. One instance keeps the state that must survive between
 * scrapes (CPU counters that must not go backwards, the page size). `collect` may be called
 * concurrently; each call reads the host afresh.
 */
export class HostCollector {
  private readonly state: HostCollectorState = newCollectorState();
  readonly opts: HostMetricsOptions;

  /**
   * @param opts overrides of `defaultHostMetricsOptions()`.
   * @param logger receives collector failures (error level; debug for data the host does not
   *   have) and textfile problems, as node_exporter logs them.
   */
  constructor(
    opts: Partial<HostMetricsOptions> = {},
    private readonly logger: Logger = Logger.nop(),
  ) {
    this.opts = { ...defaultHostMetricsOptions(), ...opts };
  }

  /** Runs every enabled collector concurrently and returns their results in registry order. */
  async run(): Promise<CollectorResult[]> {
    const ctx: CollectContext = { opts: this.opts, state: this.state, logger: this.logger };
    const names = HOST_COLLECTORS.filter((n) => this.opts.collectors[n]);
    return Promise.all(
      names.map(async (name): Promise<CollectorResult> => {
        const t0 = process.hrtime.bigint();
        try {
          const families = await COLLECTORS[name](ctx);
          const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
          return { name, ok: true, seconds, error: null, families };
        } catch (err) {
          const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
          const error = err instanceof Error ? err.message : String(err);
          const fields = { collector: name, err: error };
          if (err instanceof NoDataError) this.logger.debug('host collector has no data', fields);
          else this.logger.error('host collector failed', fields);
          return { name, ok: false, seconds, error, families: [] };
        }
      }),
    );
  }

  /**
   * Returns the text exposition of all enabled collectors plus
   * `node_scrape_collector_success{collector}` and `node_scrape_collector_duration_seconds`.
   * A textfile family whose name another collector already reports is dropped.
   */
  async collect(): Promise<string> {
    return renderFamilies(familiesOf(await this.run()));
  }
}

/** Flattens collector results into families, adding the per-collector scrape metrics. */
export function familiesOf(results: readonly CollectorResult[]): MetricFamily[] {
  const duration = new MetricFamily(
    'node_scrape_collector_duration_seconds',
    'node_exporter: Duration of a collector scrape.',
    'gauge',
    ['collector'],
  );
  const success = new MetricFamily(
    'node_scrape_collector_success',
    'node_exporter: Whether a collector succeeded.',
    'gauge',
    ['collector'],
  );
  const out: MetricFamily[] = [duration, success];
  const names = new Set<string>([duration.name, success.name]);
  const deferred: MetricFamily[] = [];
  for (const r of results) {
    duration.add(r.seconds, r.name);
    success.add(r.ok ? 1 : 0, r.name);
    for (const f of r.families) {
      if (r.name === 'textfile') deferred.push(f);
      else if (!names.has(f.name)) {
        names.add(f.name);
        out.push(f);
      }
    }
  }
  for (const f of deferred) {
    if (names.has(f.name)) continue;
    names.add(f.name);
    out.push(f);
  }
  return out;
}

/**
 * Collects host metrics once and renders them as the Prometheus text exposition. State-keeping
 * callers (the agent's and server's `/metrics`) should hold one `HostCollector` instead.
 */
export function collectHostMetrics(opts: Partial<HostMetricsOptions> = {}): Promise<string> {
  return new HostCollector(opts).collect();
}
