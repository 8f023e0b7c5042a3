/**
 * Immutable edits of a panel for the options editor: set a value at a path of nested objects
 * (copying every object on the way), and the unit ids the unit picker offers. DOM-free.
 */
import type { PanelModel } from './types.js';

/** A copy of `obj` with `value` at `path` (missing objects created; undefined deletes the key). */
export function setIn<T extends object>(obj: T, path: readonly string[], value: unknown): T {
  const [head, ...rest] = path;
  if (head === undefined) return obj;
  const src = obj as Record<string, unknown>;
  if (rest.length === 0 && value === undefined) {
    return Object.fromEntries(Object.entries(src).filter(([k]) => k !== head)) as T;
  }
  const copy: Record<string, unknown> = { ...src };
  if (rest.length === 0) copy[head] = value;
  else {
    const child = src[head];
    const base = typeof child === 'object' && child !== null && !Array.isArray(child) ? child : {};
    copy[head] = setIn(base, rest, value);
  }
  return copy as T;
}

/** Reads the value at a path of nested objects. */
export function getIn(obj: unknown, path: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const k of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** A panel with `value` at `path` below it (e.g. `['options', 'legend', 'displayMode']`). */
export function setPanel(panel: PanelModel, path: readonly string[], value: unknown): PanelModel {
  return setIn(panel, path, value);
}

/** Unit ids offered by the unit picker, by category, with their names. */
export const UNIT_CATEGORIES: readonly {
  name: string;
  units: readonly (readonly [string, string])[];
}[] = [
  {
    name: 'Misc',
    units: [
      ['short', 'Short'],
      ['none', 'None'],
      ['percent', 'Percent (0-100)'],
      ['percentunit', 'Percent (0.0-1.0)'],
      ['sci', 'Scientific'],
      ['locale', 'Locale format'],
      ['hex', 'Hexadecimal'],
      ['bool', 'Boolean (true/false)'],
    ],
  },
  {
    name: 'Data',
    units: [
      ['bytes', 'bytes (IEC)'],
      ['decbytes', 'bytes (SI)'],
      ['bits', 'bits (IEC)'],
      ['decbits', 'bits (SI)'],
      ['kbytes', 'kibibytes'],
      ['mbytes', 'mebibytes'],
      ['gbytes', 'gibibytes'],
    ],
  },
  {
    name: 'Data rate',
    units: [
      ['bps', 'bits/sec (SI)'],
      ['Bps', 'bytes/sec (SI)'],
      ['binbps', 'bits/sec (IEC)'],
      ['binBps', 'bytes/sec (IEC)'],
      ['pps', 'packets/sec'],
    ],
  },
  {
    name: 'Time',
    units: [
      ['ns', 'nanoseconds'],
      ['µs', 'microseconds'],
      ['ms', 'milliseconds'],
      ['s', 'seconds'],
      ['m', 'minutes'],
      ['h', 'hours'],
      ['d', 'days'],
      ['dtdurations', 'duration (s)'],
      ['dtdurationms', 'duration (ms)'],
      ['dtdhms', 'duration (d hh:mm:ss)'],
      ['hertz', 'Hertz (1/s)'],
      ['dateTimeAsIso', 'Datetime ISO'],
      ['dateTimeFromNow', 'From now'],
    ],
  },
  {
    name: 'Throughput',
    units: [
      ['ops', 'ops/sec'],
      ['reqps', 'requests/sec'],
      ['rps', 'reads/sec'],
      ['wps', 'writes/sec'],
      ['iops', 'I/O ops/sec'],
      ['opm', 'ops/min'],
      ['reqpm', 'requests/min'],
    ],
  },
  {
    name: 'Energy & temperature',
    units: [
      ['watt', 'Watt (W)'],
      ['kwatt', 'Kilowatt (kW)'],
      ['watth', 'Watt-hour (Wh)'],
      ['volt', 'Volt (V)'],
      ['amp', 'Ampere (A)'],
      ['celsius', 'Celsius (°C)'],
      ['fahrenheit', 'Fahrenheit (°F)'],
      ['kelvin', 'Kelvin (K)'],
    ],
  },
  {
    name: 'Currency',
    units: [
      ['currencyUSD', 'Dollars ($)'],
      ['currencyEUR', 'Euro (€)'],
      ['currencyGBP', 'Pounds (£)'],
      ['currencyJPY', 'Yen (¥)'],
    ],
  },
];
