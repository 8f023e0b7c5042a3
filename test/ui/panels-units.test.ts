import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { autoDecimals, formatUnitString, isKnownUnit, toFixed } from '../../ui/src/panels/units.js';

const cases: [number, string, number | null, string][] = [
  [1234, 'short', null, '1.23 K'],
  [1234567, 'short', null, '1.23 Mil'],
  [42, 'short', null, '42'],
  [0.5, 'percentunit', null, '50%'],
  [0.1234, 'percentunit', 1, '12.3%'],
  [12.345, 'percent', null, '12.3%'],
  [99.5, 'percent', 0, '100%'],
  [1024, 'bytes', null, '1 KiB'],
  [1536, 'bytes', null, '1.50 KiB'],
  [0, 'bytes', null, '0 B'],
  [1500, 'decbytes', null, '1.50 kB'],
  [3 * 1024 ** 3, 'bytes', 1, '3.0 GiB'],
  [1024, 'kbytes', null, '1 MiB'],
  [2048, 'bits', null, '2 Kib'],
  [1.5e9, 'bps', null, '1.50 Gb/s'],
  [100, 'Bps', null, '100 B/s'],
  [2048, 'binBps', null, '2 KiB/s'],
  [0.5, 's', null, '500 ms'],
  [0.0005, 's', null, '500 µs'],
  [5e-9, 's', null, '5 ns'],
  [90, 's', null, '1.50 min'],
  [7200, 's', null, '2 hour'],
  [0, 's', null, '0 s'],
  [500, 'ms', null, '500 ms'],
  [1500, 'ms', null, '1.50 s'],
  [1500, 'µs', null, '1.50 ms'],
  [93784, 'dtdurations', null, '1 day, 2 hours'],
  [93784, 'dtdurations', 3, '1 day, 2 hours, 3 minutes'],
  [93784, 'dtdhms', null, '1d 02:03:04'],
  [1500, 'reqps', null, '1.50K req/s'],
  [12, 'ops', null, '12 ops'],
  [1500, 'hertz', null, '1.50 kHz'],
  [1500, 'watt', null, '1.50 kW'],
  [0.002, 'volt', null, '2 mV'],
  [23.5, 'celsius', null, '23.5°C'],
  [71, 'fahrenheit', null, '71°F'],
  [12.5, 'currencyUSD', null, '$12.5'],
  [12500, 'currencyUSD', null, '$12.5K'],
  [1.2345, 'none', 2, '1.23'],
  [3, 'suffix: cats', null, '3 cats'],
  [3, 'prefix:#', null, '#3'],
  [1234, 'foo', null, '1234 foo'],
  [1, 'bool', null, 'true'],
];

describe('units', () => {
  for (const [v, unit, dec, want] of cases) {
    it(`${v} ${unit} decimals=${dec} → ${want}`, () => {
      assert.equal(formatUnitString(v, unit, dec), want);
    });
  }
  it('formats null as empty and NaN/Inf as text', () => {
    assert.equal(formatUnitString(null, 'bytes'), '');
    assert.equal(formatUnitString(NaN, 'bytes'), 'NaN');
    assert.equal(formatUnitString(Infinity, 'bytes'), '+Inf');
    assert.equal(formatUnitString(-Infinity, 's'), '-Inf');
  });
  it('negative values scale by their magnitude', () => {
    assert.equal(formatUnitString(-2048, 'bytes'), '-2 KiB');
    assert.equal(formatUnitString(-0.25, 's'), '-250 ms');
  });
  it('picks decimals from the magnitude like Grafana', () => {
    assert.equal(autoDecimals(100), 0);
    assert.equal(autoDecimals(1.5), 2);
    assert.equal(autoDecimals(0.0123), 4);
    assert.equal(toFixed(3.14159, null), '3.14');
    assert.equal(toFixed(-0.0001, 2), '0.00');
  });
  it('knows standard and custom unit ids', () => {
    assert.ok(isKnownUnit('bytes'));
    assert.ok(isKnownUnit('suffix:x'));
    assert.ok(!isKnownUnit('nonsense'));
  });
});
