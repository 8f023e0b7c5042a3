import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { PEER_SKIP, PEER_SUITES } from '../../../test/support/paths.js';
import {
  ExpositionError,
  OpenMetricsParser,
  PromTextParser,
  formatFromContentType,
  newExpositionParser,
  type ExpositionParser,
} from './index.js';

interface Row {
  key: string;
  name: string;
  labels: string[];
  value: number;
  ts: number | undefined;
}

function drain(p: ExpositionParser): { rows: Row[]; meta: string[] } {
  const rows: Row[] = [];
  const meta: string[] = [];
  for (;;) {
    const k = p.next();
    if (k === 'end') break;
    if (k === 'series') {
      rows.push({
        key: p.seriesKey(),
        name: p.metricName(),
        labels: p.labels([]),
        value: p.value(),
        ts: p.timestampMs(),
      });
    } else if (k === 'type') meta.push(`type ${p.metricName()} ${p.metricType()}`);
    else meta.push(`${k} ${p.metricName()} ${p.text()}`);
  }
  return { rows, meta };
}

describe('PromTextParser', () => {
  it('reads the text format leniently like Prometheus', () => {
    const { rows, meta } = drain(
      new PromTextParser(
        [
          '# HELP http_requests_total The total\\\\ number.',
          '# TYPE http_requests_total counter',
          '# just a comment',
          '',
          'http_requests_total{method="post",code="200",} 1027 1395066363000',
          '  http_requests_total{ method = "post" , code="400" }\t3   1395066363000',
          'metric_without_timestamp_and_labels 12.47',
          'something_weird{problem="division by zero"} +Inf -3982045',
          'nan_value NaN',
          '{"my.dotted.metric", "label.x"="v"} 1',
          'hex 0x1p-3',
        ].join('\n'),
      ),
    );
    assert.deepEqual(meta, [
      'help http_requests_total The total\\ number.',
      'type http_requests_total counter',
    ]);
    assert.equal(rows.length, 7);
    assert.deepEqual(rows[0], {
      key: 'http_requests_total{method="post",code="200",}',
      name: 'http_requests_total',
      labels: ['method', 'post', 'code', '200'],
      value: 1027,
      ts: 1395066363000,
    });
    assert.deepEqual(rows[1]!.labels, ['method', 'post', 'code', '400']);
    assert.equal(rows[1]!.value, 3);
    assert.equal(rows[2]!.ts, undefined);
    assert.equal(rows[3]!.value, Infinity);
    assert.equal(rows[3]!.ts, -3982045);
    assert.ok(Number.isNaN(rows[4]!.value));
    assert.equal(rows[5]!.name, 'my.dotted.metric');
    assert.deepEqual(rows[5]!.labels, ['label.x', 'v']);
    assert.equal(rows[6]!.value, 0.125);
  });

  const bad: [string, number, number][] = [
    ['a{b="c"', 1, 8],
    ['a{b=c} 1', 1, 5],
    ['a 1 2 3', 1, 7],
    ['a xyz', 1, 3],
    ['a{b="1",b="2"} 1', 1, 1],
    ['ok 1\n0bad 1', 2, 1],
    ['a', 1, 2],
    ['a 1 1.5', 1, 5],
  ];
  for (const [input, line, col] of bad) {
    it(`rejects ${JSON.stringify(input)} at ${line}:${col}`, () => {
      const p = new PromTextParser(input);
      assert.throws(
        () => {
          while (p.next() !== 'end') p.labels([]);
        },
        (e: unknown) => {
          assert.ok(e instanceof ExpositionError, String(e));
          assert.equal(e.line, line, e.message);
          if (col > 1) assert.equal(e.column, col, e.message);
          return true;
        },
      );
    });
  }

  it('picks the format from the content type', () => {
    assert.equal(
      formatFromContentType('application/openmetrics-text; version=1.0.0'),
      'openmetrics',
    );
    assert.equal(formatFromContentType('text/plain; version=0.0.4'), 'prometheus-text');
    assert.equal(formatFromContentType(undefined), 'prometheus-text');
  });
});

describe('textparse fixtures (prometheus-fixtures)', { skip: PEER_SKIP }, () => {
  const dir = path.join(PEER_SUITES, 'prometheus-fixtures', 'model', 'textparse', 'testdata');
  const files = PEER_SKIP ? [] : readdirSync(dir).sort();
  for (const f of files) {
    it(`prometheus-fixtures/model/textparse/testdata/${f} parses`, () => {
      const text = readFileSync(path.join(dir, f), 'utf8');
      const format = f.includes('.om.') ? 'openmetrics' : 'prometheus-text';
      const { rows } = drain(newExpositionParser(text, format));
      const expected = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
      assert.equal(rows.length, expected);
      for (const r of rows) assert.ok(r.name !== '');
    });
  }
});

describe('exposition parsers on arbitrary input (fuzz)', () => {
  const alphabet = fc.constantFrom(...'a_{}="\\, #\n\t01.eE+-InfNa:TYPEHELP'.split(''));
  for (const [name, make] of [
    ['text', (s: string) => new PromTextParser(s)],
    ['openmetrics', (s: string) => new OpenMetricsParser(s)],
  ] as const) {
    it(`${name}: throws only ExpositionError and always terminates`, () => {
      fc.assert(
        fc.property(fc.string({ unit: alphabet, maxLength: 200 }), (s) => {
          const p = make(s);
          let steps = 0;
          try {
            while (p.next() !== 'end') {
              p.labels([]);
              assert.ok(++steps <= s.length + 2, 'parser did not advance');
            }
          } catch (e) {
            if (!(e instanceof ExpositionError)) throw e;
          }
        }),
        { numRuns: 2000 },
      );
    });
  }
});
