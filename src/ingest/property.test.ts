/**
 * Property tests of the import decoders: arbitrary and hostile input (random text, deep JSON
 * nesting, huge lines) never throws, every line is accounted for, bad lines are reported by
 * number; CSV quoting round-trips.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MemStorage } from '../storage/index.js';
import {
  IngestPipeline,
  importCSV,
  importJSONLines,
  importPrometheusText,
  parseCSVFormat,
  splitCSV,
} from './index.js';

const pipeline = (): IngestPipeline => new IngestPipeline(new MemStorage());

describe('import decoders under arbitrary input', () => {
  it('JSON lines: never throws, rejections carry real line numbers', async () => {
    const unit = fc.constantFrom(...'{}[]":,\n01metricvaluestimestamps_ -'.split(''));
    await fc.assert(
      fc.asyncProperty(fc.string({ unit, maxLength: 300 }), async (s) => {
        const r = await importJSONLines(pipeline(), s);
        const lines = s.split('\n').length;
        for (const e of r.errors) assert.ok(e.line >= 1 && e.line <= lines, JSON.stringify(e));
        assert.ok(r.accepted >= 0 && r.rejected >= 0);
      }),
      { numRuns: 300 },
    );
  });

  it('JSON lines: deep nesting and huge lines are rejected as lines, the rest is stored', async () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    const huge = `{"metric":{"__name__":"x","a":"${'v'.repeat(1 << 20)}"},"values":[1],"timestamps":[1]}`;
    const good = '{"metric":{"__name__":"ok"},"values":[1,2],"timestamps":[1000,2000]}';
    const r = await importJSONLines(pipeline(), [deep, huge, good].join('\n'));
    assert.equal(r.accepted, 2);
    assert.deepEqual(
      r.errors.map((e) => e.line),
      [1, 2],
    );
    assert.match(r.errors[1]!.reason, /--ingest\.max-label-value-length/);
  });

  it('CSV and the text format: never throw on arbitrary input', async () => {
    const cols = parseCSVFormat('1:time:unix_ms,2:label:host,3:metric:m');
    const unit = fc.constantFrom(...'",\n\r01a.-eE{}=# '.split(''));
    await fc.assert(
      fc.asyncProperty(fc.string({ unit, maxLength: 300 }), async (s) => {
        const c = await importCSV(pipeline(), s, cols, 0);
        for (const e of c.errors) assert.ok(e.line >= 1);
        const t = await importPrometheusText(pipeline(), s, 0);
        assert.ok(t.errors.length <= 1, 'the text format stops at its first error');
      }),
      { numRuns: 300 },
    );
  });

  it('CSV: quoted fields round-trip through splitCSV', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 10 }), { minLength: 1, maxLength: 6 }),
        (fields) => {
          const line = fields.map((f) => `"${f.replace(/"/g, '""')}"`).join(',');
          assert.deepEqual(splitCSV(line), fields);
        },
      ),
      { numRuns: 500 },
    );
  });
});
