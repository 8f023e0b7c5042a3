import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveColor, withAlpha } from '../../ui/src/panels/colors.js';
import {
  activeThreshold,
  applyMappings,
  getDisplayValue,
  normalizeMappings,
} from '../../ui/src/panels/display.js';
import { displayName, fieldConfigFor } from '../../ui/src/panels/fieldconfig.js';
import type { ThresholdsConfig, ValueMapping } from '../../ui/src/panels/types.js';

const th: ThresholdsConfig = {
  mode: 'absolute',
  steps: [
    { color: 'green', value: null },
    { color: 'orange', value: 70 },
    { color: 'red', value: 90 },
  ],
};

describe('thresholds', () => {
  it('picks the last step at or below the value', () => {
    assert.equal(activeThreshold(10, th)?.step.color, 'green');
    assert.equal(activeThreshold(70, th)?.step.color, 'orange');
    assert.equal(activeThreshold(95, th)?.index, 2);
  });
  it('percentage mode uses min..max', () => {
    const p: ThresholdsConfig = {
      mode: 'percentage',
      steps: [
        { color: 'green', value: null },
        { color: 'red', value: 50 },
      ],
    };
    assert.equal(activeThreshold(600, p, 0, 1000)?.step.color, 'red');
    assert.equal(activeThreshold(400, p, 0, 1000)?.step.color, 'green');
  });
  it('no steps means no threshold', () => {
    assert.equal(activeThreshold(1, { steps: [] }), null);
  });
});

describe('mappings', () => {
  const maps: ValueMapping[] = [
    {
      type: 'value',
      options: { '1': { text: 'UP', color: 'green' }, '0': { text: 'DOWN', color: 'red' } },
    },
    { type: 'range', options: { from: 10, to: 20, result: { text: 'teen' } } },
    { type: 'regex', options: { pattern: '^4\\d\\d$', result: { text: 'client error' } } },
    { type: 'special', options: { match: 'null+nan', result: { text: 'gone' } } },
  ];
  it('matches value, range, regex and special', () => {
    assert.equal(applyMappings(1, maps)?.text, 'UP');
    assert.equal(applyMappings(15, maps)?.text, 'teen');
    assert.equal(applyMappings(404, maps)?.text, 'client error');
    assert.equal(applyMappings(null, maps)?.text, 'gone');
    assert.equal(applyMappings(NaN, maps)?.text, 'gone');
    assert.equal(applyMappings(7, maps), null);
  });
  it('converts legacy mappings', () => {
    const legacy = normalizeMappings([
      { id: 0, type: 1, value: '1', text: 'UP' },
      { id: 1, type: 2, from: '2', to: '5', text: 'few' },
      { id: 2, type: 1, value: 'null', text: 'N/A' },
    ]);
    assert.equal(applyMappings(1, legacy)?.text, 'UP');
    assert.equal(applyMappings(3, legacy)?.text, 'few');
    assert.equal(applyMappings(null, legacy)?.text, 'N/A');
  });
  it('ignores garbage', () => {
    assert.deepEqual(normalizeMappings('x'), []);
  });
});

describe('display values', () => {
  it('formats with unit, colours by threshold and computes percent', () => {
    const d = getDisplayValue(75, { unit: 'percent', thresholds: th, min: 0, max: 100 });
    assert.equal(d.text, '75');
    assert.equal(d.suffix, '%');
    assert.equal(d.color, resolveColor('orange'));
    assert.equal(d.percent, 0.75);
  });
  it('a mapping replaces text and colour', () => {
    const d = getDisplayValue(0, {
      thresholds: th,
      mappings: [{ type: 'value', options: { '0': { text: 'DOWN', color: 'red' } } }],
    });
    assert.equal(d.text, 'DOWN');
    assert.equal(d.color, resolveColor('red'));
  });
  it('missing values show noValue', () => {
    assert.equal(getDisplayValue(null, {}).text, 'No data');
    assert.equal(getDisplayValue(null, { noValue: '-' }).text, '-');
  });
  it('fixed colour mode wins over thresholds', () => {
    const d = getDisplayValue(95, { thresholds: th, color: { mode: 'fixed', fixedColor: 'blue' } });
    assert.equal(d.color, resolveColor('blue'));
  });
});

describe('colours', () => {
  it('resolves named shades and passes others through', () => {
    assert.equal(resolveColor('green'), '#73BF69');
    assert.equal(resolveColor('dark-red'), '#C4162A');
    assert.equal(resolveColor('semi-dark-blue'), '#3274D9');
    assert.equal(resolveColor('#123456'), '#123456');
    assert.equal(resolveColor('rgba(1,2,3,0.5)'), 'rgba(1,2,3,0.5)');
    assert.equal(withAlpha('#abc', 0.5), '#aabbcc80');
  });
});

describe('field config', () => {
  const f = { name: 'up{job="a"}', refId: 'B', labels: { job: 'a', instance: 'h:1' } };
  it('applies matching overrides in order', () => {
    const c = fieldConfigFor(
      {
        defaults: { unit: 'short', decimals: 1 },
        overrides: [
          {
            matcher: { id: 'byFrameRefID', options: 'B' },
            properties: [{ id: 'unit', value: 'bytes' }],
          },
          {
            matcher: { id: 'byName', options: 'other' },
            properties: [{ id: 'decimals', value: 3 }],
          },
          {
            matcher: { id: 'byRegexp', options: 'job="a"' },
            properties: [{ id: 'custom.fillOpacity', value: 40 }],
          },
        ],
      },
      f,
    );
    assert.equal(c.unit, 'bytes');
    assert.equal(c.decimals, 1);
    assert.equal(c.custom?.['fillOpacity'], 40);
  });
  it('fills display name templates', () => {
    assert.equal(displayName({ displayName: '${__field.labels.instance} up' }, f), 'h:1 up');
    assert.equal(displayName({}, f), 'up{job="a"}');
  });
});
