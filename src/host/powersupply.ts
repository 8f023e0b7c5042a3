/**
 * The `powersupplyclass` collector: batteries, mains adapters and USB supplies from
 * `/sys/class/power_supply`. Names, help texts, units and labels are node_exporter 1.5's.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import {
  type CollectContext,
  NoDataError,
  errCode,
  isNotFound,
  readSysAttr,
  sysPath,
} from './context.js';
import { MetricFamily } from './family.js';

/** Numeric attributes: file, metric suffix, divisor (µA/µV/µW/µWh/µAh → base units, 0.1 °C). */
const NUMERIC: readonly (readonly [file: string, metric: string, divisor: number])[] = [
  ['authentic', 'authentic', 1],
  ['calibrate', 'calibrate', 1],
  ['capacity', 'capacity', 1],
  ['capacity_alert_max', 'capacity_alert_max', 1],
  ['capacity_alert_min', 'capacity_alert_min', 1],
  ['cycle_count', 'cyclecount', 1],
  ['online', 'online', 1],
  ['present', 'present', 1],
  ['time_to_empty_now', 'time_to_empty_seconds', 1],
  ['time_to_full_now', 'time_to_full_seconds', 1],
  ['current_boot', 'current_boot', 1e6],
  ['current_max', 'current_max', 1e6],
  ['current_now', 'current_ampere', 1e6],
  ['energy_empty', 'energy_empty', 1e6],
  ['energy_empty_design', 'energy_empty_design', 1e6],
  ['energy_full', 'energy_full', 1e6],
  ['energy_full_design', 'energy_full_design', 1e6],
  ['energy_now', 'energy_watthour', 1e6],
  ['voltage_boot', 'voltage_boot', 1e6],
  ['voltage_max', 'voltage_max', 1e6],
  ['voltage_max_design', 'voltage_max_design', 1e6],
  ['voltage_min', 'voltage_min', 1e6],
  ['voltage_min_design', 'voltage_min_design', 1e6],
  ['voltage_now', 'voltage_volt', 1e6],
  ['voltage_ocv', 'voltage_ocv', 1e6],
  ['charge_control_limit', 'charge_control_limit', 1e6],
  ['charge_control_limit_max', 'charge_control_limit_max', 1e6],
  ['charge_counter', 'charge_counter', 1e6],
  ['charge_empty', 'charge_empty', 1e6],
  ['charge_empty_design', 'charge_empty_design', 1e6],
  ['charge_full', 'charge_full', 1e6],
  ['charge_full_design', 'charge_full_design', 1e6],
  ['charge_now', 'charge_ampere', 1e6],
  ['charge_term_current', 'charge_term_current', 1e6],
  ['constant_charge_current', 'constant_charge_current', 1e6],
  ['constant_charge_current_max', 'constant_charge_current_max', 1e6],
  ['constant_charge_voltage', 'constant_charge_voltage', 1e6],
  ['constant_charge_voltage_max', 'constant_charge_voltage_max', 1e6],
  ['precharge_current', 'precharge_current', 1e6],
  ['input_current_limit', 'input_current_limit', 1e6],
  ['power_now', 'power_watt', 1e6],
  ['temp', 'temp_celsius', 10],
  ['temp_alert_max', 'temp_alert_max_celsius', 10],
  ['temp_alert_min', 'temp_alert_min_celsius', 10],
  ['temp_ambient', 'temp_ambient_celsius', 10],
  ['temp_ambient_max', 'temp_ambient_max_celsius', 10],
  ['temp_ambient_min', 'temp_ambient_min_celsius', 10],
  ['temp_max', 'temp_max_celsius', 10],
  ['temp_min', 'temp_min_celsius', 10],
];

/** Numeric attributes the kernel offers that node_exporter parses (and may fail on) but does not report. */
const PARSED_ONLY = new Set([
  'charge_avg',
  'current_avg',
  'energy_avg',
  'power_avg',
  'time_to_empty_avg',
  'time_to_full_avg',
  'voltage_avg',
]);

/** Text attributes that become labels of `node_power_supply_info` (sorted; `power_supply` added). */
const INFO_LABELS = [
  'capacity_level',
  'charge_type',
  'health',
  'manufacturer',
  'model_name',
  'power_supply',
  'scope',
  'serial_number',
  'status',
  'technology',
  'type',
  'usb_type',
] as const;

const NUMERIC_BY_FILE = new Map(
  NUMERIC.map(([file, metric, div]) => [file, [metric, div] as const]),
);

/** Parses an integer like Go's `strconv.ParseInt(s, 0, 64)` (0x, 0o, 0b and leading-0 octal). */
function parseInt64(s: string, file: string): number {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (m === null) throw new Error(`cannot parse ${file}: invalid integer ${JSON.stringify(s)}`);
  const body = m[2] ?? '';
  let v: number;
  if (/^0[xXbBoO]/.test(body)) v = Number(body.toLowerCase());
  else if (body.length > 1 && body.startsWith('0')) v = parseInt(body.slice(1), 8);
  else v = Number(body);
  return m[1] === '-' ? -v : v;
}

/** One supply's attributes: numbers by file name and text values. */
interface Supply {
  readonly name: string;
  readonly numbers: Map<string, number>;
  readonly texts: Map<string, string>;
}

async function readSupply(dir: string, name: string): Promise<Supply> {
  const entries = await readdir(dir, { withFileTypes: true });
  const numbers = new Map<string, number>();
  const texts = new Map<string, string>();
  await Promise.all(
    entries
      .filter((e) => e.isFile())
      .map(async (e) => {
        const file = path.join(dir, e.name);
        let value: string;
        try {
          value = await readSysAttr(file);
        } catch (err) {
          // Attributes the driver cannot report right now (no battery inserted, …).
          const code = errCode(err);
          if (code === 'ENOENT' || code === 'EINVAL' || code === 'ENOTSUP' || code === 'EOPNOTSUPP')
            return;
          throw err;
        }
        if (NUMERIC_BY_FILE.has(e.name) || PARSED_ONLY.has(e.name)) {
          numbers.set(e.name, parseInt64(value, file));
        } else if ((INFO_LABELS as readonly string[]).includes(e.name)) {
          texts.set(e.name, value);
        }
      }),
  );
  return { name, numbers, texts };
}

/**
 * Reports `node_power_supply_<attribute>{power_supply}` in base units and
 * `node_power_supply_info` labelled with the supply's non-empty text attributes. No
 * `/sys/class/power_supply` is NoDataError; an empty one succeeds with no series. An attribute
 * that is not an integer fails the collector, as in node_exporter.
 */
export async function collectPowerSupplyClass(ctx: CollectContext): Promise<MetricFamily[]> {
  const base = sysPath(ctx, 'class', 'power_supply');
  let names: string[];
  try {
    names = (await readdir(base)).sort();
  } catch (err) {
    if (isNotFound(err)) throw new NoDataError('power supplies (/sys/class/power_supply)');
    throw err;
  }
  const supplies = await Promise.all(names.map((n) => readSupply(path.join(base, n), n)));
  const families = new Map<string, MetricFamily>();
  const info = new MetricFamily(
    'node_power_supply_info',
    'info of /sys/class/power_supply/<power_supply>.',
    'gauge',
    INFO_LABELS,
  );
  info.omitEmptyLabels = true;
  for (const s of supplies) {
    for (const [file, metric, div] of NUMERIC) {
      const v = s.numbers.get(file);
      if (v === undefined) continue;
      let f = families.get(metric);
      if (f === undefined) {
        f = new MetricFamily(
          `node_power_supply_${metric}`,
          `${metric} value of /sys/class/power_supply/<power_supply>.`,
          'gauge',
          ['power_supply'],
        );
        families.set(metric, f);
      }
      f.add(div === 1 ? v : v / div, s.name);
    }
    info.add(
      1,
      ...INFO_LABELS.map((l) => (l === 'power_supply' ? s.name : (s.texts.get(l) ?? ''))),
    );
  }
  return [...families.values(), info];
}
