/** The `thermal_zone` and `hwmon` collectors: `/sys/class/thermal` and `/sys/class/hwmon`. */
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  type CollectContext,
  NoDataError,
  isNotFound,
  readOptional,
  readText,
  sysPath,
} from './context.js';
import { MetricFamily } from './family.js';

/**
 * Reports `node_thermal_zone_temp{zone,type}` in °C and the cooling devices' current and maximum
 * throttle states. On a Raspberry Pi this is the SoC temperature (`type="cpu-thermal"`).
 */
export async function collectThermalZone(ctx: CollectContext): Promise<MetricFamily[]> {
  const base = sysPath(ctx, 'class', 'thermal');
  const names = await readdir(base);
  const temp = new MetricFamily('node_thermal_zone_temp', 'Zone temperature in Celsius', 'gauge', [
    'type',
    'zone',
  ]);
  const cur = new MetricFamily(
    'node_cooling_device_cur_state',
    'Current throttle state of the cooling device',
    'gauge',
    ['name', 'type'],
  );
  const max = new MetricFamily(
    'node_cooling_device_max_state',
    'Maximum throttle state of the cooling device',
    'gauge',
    ['name', 'type'],
  );
  for (const n of names.sort()) {
    const dir = path.join(base, n);
    if (n.startsWith('thermal_zone')) {
      // Like node_exporter: a zone without type or policy fails the collector; a zone whose
      // temperature cannot be read (ENODATA while a sensor is off) is skipped.
      const [type, policy, t] = await Promise.all([
        readText(path.join(dir, 'type')),
        readText(path.join(dir, 'policy')),
        readOptional(path.join(dir, 'temp')),
      ]);
      const v = Number((t ?? '').trim());
      if (t === null || t.trim() === '' || Number.isNaN(v) || policy === '') continue;
      temp.add(v / 1000, type.trim(), n.slice('thermal_zone'.length));
    } else if (n.startsWith('cooling_device')) {
      const [type, c, m] = await Promise.all([
        readOptional(path.join(dir, 'type')),
        readOptional(path.join(dir, 'cur_state')),
        readOptional(path.join(dir, 'max_state')),
      ]);
      if (type === null || c === null || m === null) continue;
      const id = n.slice('cooling_device'.length);
      const cv = Number(c.trim());
      const mv = Number(m.trim());
      if (Number.isNaN(cv) || Number.isNaN(mv)) continue;
      cur.add(cv, id, type.trim());
      max.add(mv, id, type.trim());
    }
  }
  return [temp, cur, max];
}

/** Sensor types node_exporter reads from a hwmon directory. */
const SENSOR_TYPES = new Set([
  'vrm',
  'beep_enable',
  'update_interval',
  'in',
  'cpu',
  'fan',
  'pwm',
  'temp',
  'curr',
  'power',
  'energy',
  'humidity',
  'intrusion',
]);

/** Lower-cases and replaces characters invalid in metric names, trimming underscores. */
function clean(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9:_]/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** Reads `<type><num>_<property>` files of a directory into sensor → property → raw value. */
async function readSensors(dir: string, into: Map<string, Map<string, string>>): Promise<void> {
  for (const file of await readdir(dir)) {
    const m = /^([^0-9]+)([0-9]*)(?:_(.+))?$/.exec(file);
    if (m === null || !SENSOR_TYPES.has(m[1] ?? '')) continue;
    const raw = await readOptional(path.join(dir, file));
    if (raw === null) continue;
    const sensor = `${m[1] ?? ''}${m[2] === '' || m[2] === undefined ? '0' : String(Number(m[2]))}`;
    let props = into.get(sensor);
    if (props === undefined) into.set(sensor, (props = new Map<string, string>()));
    props.set(m[3] ?? '', raw.replace(/\n+$/, ''));
  }
}

/** A stable chip name: from the device path when there is one, else the `name` file. */
async function chipName(dir: string): Promise<string> {
  try {
    const dev = await realpath(path.join(dir, 'device'));
    const devName = clean(path.basename(dev));
    const devType = clean(path.basename(path.dirname(dev)));
    if (devType !== '' && devName !== '') return `${devType}_${devName}`;
    if (devName !== '') return devName;
  } catch {
    // no device link
  }
  const name = clean((await readOptional(path.join(dir, 'name'))) ?? '');
  if (name !== '') return name;
  return clean(path.basename(await realpath(dir)));
}

/** A hwmon metric: name, help, scale from the raw sysfs value, type. */
type HwmonDesc = readonly [string, string, number, 'gauge' | 'counter'];

/** Names, help, unit scale and type of one sensor property, following node_exporter's rules. */
function describe(type: string, prop: string, hasBare: boolean): HwmonDesc {
  let name = `node_hwmon_${type}`;
  if (prop === 'input') name += hasBare ? '_input' : '';
  else if (prop !== '') name += `_${clean(prop)}`;
  const g = (n: string, help: string, scale: number): HwmonDesc => [n, help, scale, 'gauge'];
  if (prop === 'fault' || prop === 'alarm')
    return g(name, `Hardware sensor ${prop} status (${type})`, 1);
  if (prop === 'beep')
    return g(`${name}_enabled`, 'Hardware monitor sensor has beeping enabled', 1);
  if (type === 'in' || type === 'cpu')
    return g(`${name}_volts`, `Hardware monitor for voltage (${prop})`, 1e-3);
  if (type === 'temp' && prop !== 'type') {
    const what = prop === '' ? 'input' : prop;
    return g(`${name}_celsius`, `Hardware monitor for temperature (${what})`, 1e-3);
  }
  if (type === 'curr') return g(`${name}_amps`, `Hardware monitor for current (${prop})`, 1e-3);
  if (type === 'energy') {
    return [
      `${name}_joule_total`,
      `Hardware monitor for joules used so far (${prop})`,
      1e-6,
      'counter',
    ];
  }
  if (type === 'power' && prop === 'accuracy') {
    return g(name, 'Hardware monitor power meter accuracy, as a ratio', 1e-6);
  }
  if (type === 'power' && /^average_interval(_min|_max)?$/.test(prop)) {
    return g(`${name}_seconds`, `Hardware monitor power usage update interval (${prop})`, 1e-3);
  }
  if (type === 'power')
    return g(`${name}_watt`, `Hardware monitor for power usage in watts (${prop})`, 1e-6);
  if (type === 'humidity') {
    return g(
      name,
      `Hardware monitor for humidity, as a ratio (multiply with 100.0 to get the humidity as a percentage) (${prop})`,
      1e-6,
    );
  }
  if (type === 'fan' && ['input', 'min', 'max', 'target'].includes(prop)) {
    return g(`${name}_rpm`, `Hardware monitor for fan revolutions per minute (${prop})`, 1);
  }
  return g(name, `Hardware monitor ${type} element ${prop}`, 1);
}

/**
 * Reports `/sys/class/hwmon` sensors like node_exporter: temperatures in °C
 * (`node_hwmon_temp_celsius{chip,sensor}`), voltages, currents, power, fan speeds, alarms, plus
 * `node_hwmon_chip_names` and `node_hwmon_sensor_label`.
 */
export async function collectHwmon(ctx: CollectContext): Promise<MetricFamily[]> {
  const base = sysPath(ctx, 'class', 'hwmon');
  let entries: string[];
  try {
    entries = await readdir(base);
  } catch (err) {
    if (isNotFound(err)) throw new NoDataError('hwmon sensors (/sys/class/hwmon)');
    throw err;
  }
  const fams = new Map<string, MetricFamily>();
  const fam = (
    name: string,
    help: string,
    labels: string[],
    type: 'gauge' | 'counter' = 'gauge',
  ): MetricFamily => {
    let f = fams.get(name);
    if (f === undefined) fams.set(name, (f = new MetricFamily(name, help, type, labels)));
    return f;
  };
  for (const e of entries) {
    const dir = path.join(base, e);
    if (!(await stat(dir)).isDirectory()) continue;
    const chip = await chipName(dir);
    const sensors = new Map<string, Map<string, string>>();
    await readSensors(dir, sensors);
    const devDir = path.join(dir, 'device');
    if (
      await stat(devDir).then(
        (s) => s.isDirectory(),
        () => false,
      )
    )
      await readSensors(devDir, sensors);
    const human = clean((await readOptional(path.join(dir, 'name'))) ?? '');
    if (human !== '') {
      fam('node_hwmon_chip_names', 'Annotation metric for human-readable chip names', [
        'chip',
        'chip_name',
      ]).add(1, chip, human);
    }
    for (const [sensor, props] of sensors) {
      const type = sensor.replace(/\d+$/, '');
      const label = props.get('label');
      if (label !== undefined) {
        fam('node_hwmon_sensor_label', 'Label for given chip and sensor', [
          'chip',
          'label',
          'sensor',
        ]).add(1, chip, label, sensor);
      }
      const bare = props.get('');
      if (type === 'beep_enable') {
        fam('node_hwmon_beep_enabled', 'Hardware beep enabled', ['chip', 'sensor']).add(
          bare === '1' ? 1 : 0,
          chip,
          sensor,
        );
        continue;
      }
      if (type === 'vrm' || type === 'update_interval') {
        const v = Number(bare);
        if (bare === undefined || bare === '' || Number.isNaN(v)) continue;
        if (type === 'vrm')
          fam('node_hwmon_voltage_regulator_version', 'Hardware voltage regulator', [
            'chip',
            'sensor',
          ]).add(v, chip, sensor);
        else
          fam('node_hwmon_update_interval_seconds', 'Hardware monitor update interval', [
            'chip',
            'sensor',
          ]).add(v * 1e-3, chip, sensor);
        continue;
      }
      for (const [prop, raw] of props) {
        if (prop === 'label') continue;
        const v = Number(raw);
        if (raw.trim() === '' || Number.isNaN(v)) continue;
        const [name, help, scale, mtype] = describe(type, prop, bare !== undefined);
        fam(name, help, ['chip', 'sensor'], mtype).add(v * scale, chip, sensor);
      }
    }
  }
  return [...fams.values()];
}
