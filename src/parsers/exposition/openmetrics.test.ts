import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PEER_SKIP, PEER_SUITES } from '../../../test/support/paths.js';
import { ExpositionError, OpenMetricsParser, validateOpenMetrics } from './index.js';

const dir = path.join(PEER_SUITES, 'openmetrics-parsers', 'parsers');

interface Case {
  name: string;
  input: string;
  shouldParse: boolean;
}

function loadCases(): Case[] {
  if (PEER_SKIP) return [];
  const out: Case[] = [];
  for (const name of readdirSync(dir).sort()) {
    const spec: unknown = JSON.parse(readFileSync(path.join(dir, name, 'test.json'), 'utf8'));
    if (typeof spec !== 'object' || spec === null || !('shouldParse' in spec)) continue;
    const file = 'file' in spec && typeof spec.file === 'string' ? spec.file : 'metrics';
    out.push({
      name,
      input: readFileSync(path.join(dir, name, file), 'utf8'),
      shouldParse: spec.shouldParse === true,
    });
  }
  return out;
}

describe('OpenMetrics parser cases (openmetrics-parsers)', { skip: PEER_SKIP }, () => {
  const cases = loadCases();
  it('found the suite', () => {
    assert.ok(cases.length > 200, `only ${cases.length} cases`);
  });
  for (const c of cases) {
    it(`openmetrics-parsers/parsers/${c.name} ${c.shouldParse ? 'parses' : 'is rejected'}`, () => {
      if (c.shouldParse) {
        validateOpenMetrics(c.input);
      } else {
        assert.throws(() => {
          validateOpenMetrics(c.input);
        }, ExpositionError);
      }
    });
  }
});

describe('OpenMetricsParser', () => {
  it('reads series, metadata, timestamps and exemplars', () => {
    const p = new OpenMetricsParser(
      '# TYPE a counter\n# HELP a some\\nhelp\na_total{x="1",y="q\\"z"} 3 1.5 # {id="e"} 0.5 2\n# EOF\n',
    );
    assert.equal(p.next(), 'type');
    assert.equal(p.metricName(), 'a');
    assert.equal(p.metricType(), 'counter');
    assert.equal(p.next(), 'help');
    assert.equal(p.text(), 'some\nhelp');
    assert.equal(p.next(), 'series');
    assert.equal(p.seriesKey(), 'a_total{x="1",y="q\\"z"}');
    assert.equal(p.metricName(), 'a_total');
    assert.deepEqual(p.labels([]), ['x', '1', 'y', 'q"z']);
    assert.equal(p.value(), 3);
    assert.equal(p.timestampMs(), 1500);
    assert.deepEqual(p.exemplar(), { labels: ['id', 'e'], value: 0.5, timestampMs: 2000 });
    assert.equal(p.next(), 'end');
    assert.equal(p.next(), 'end');
  });

  it('reports the line and column of errors', () => {
    const p = new OpenMetricsParser('a 1\nb{c=1} 2\n# EOF\n');
    assert.equal(p.next(), 'series');
    assert.throws(
      () => p.next(),
      (e: unknown) => e instanceof ExpositionError && e.line === 2 && e.column === 5,
    );
  });
});
