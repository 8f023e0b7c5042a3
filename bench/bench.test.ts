import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeSnappyBody, decodeWriteRequest } from '../src/parsers/index.js';
import { SERIES_PER_HOST, generateSeries } from './datagen.js';
import { FlagError, parseFlags } from './flags.js';
import { INTERVAL_MS, JITTER_MS, buildPayloads } from './payloads.js';
import { ingestTable } from './report.js';

describe('benchmark data', () => {
  it('generates whole hosts of sorted, unique label sets', () => {
    const set = generateSeries(SERIES_PER_HOST * 2 + 10, 1);
    assert.equal(set.labels.length, SERIES_PER_HOST * 2 + 10);
    assert.equal(set.targetOffset.length, 5, 'two targets per host, the third host cut short');
    const keys = new Set(set.labels.map((l) => l.join('\u0000')));
    assert.equal(keys.size, set.labels.length, 'label sets are unique');
    for (const l of set.labels) {
      assert.equal(l[0], '__name__');
      for (let i = 2; i + 2 < l.length; i += 2)
        assert.ok((l[i] ?? '') < (l[i + 2] ?? ''), 'sorted');
    }
  });

  it('is reproducible from the seed and sends time-ordered rounds per series', () => {
    const opts = {
      series: 300,
      hours: 0.1,
      batchSize: 50,
      seed: 7,
      startMs: 1_700_000_000_000,
      shards: 3,
    };
    const a = buildPayloads(opts);
    const b = buildPayloads(opts);
    assert.deepEqual(a.shards, b.shards);
    assert.equal(a.rounds, 24);
    assert.equal(a.samples, 300 * 24);
    const last = new Map<string, { t: number; v: number }>();
    let total = 0;
    for (const shard of a.shards) {
      for (const body of shard) {
        const rows = decodeWriteRequest(decodeSnappyBody(body, 1 << 20));
        assert.ok(rows.sampleCount <= 50);
        for (let s = 0; s < rows.seriesCount; s++) {
          const labels = rows.seriesLabels(s);
          const key = labels.join(',');
          const t = rows.timestamps[s] ?? 0;
          const v = rows.values[s] ?? 0;
          const prev = last.get(key);
          if (prev !== undefined) {
            const dt = t - prev.t;
            assert.ok(
              dt >= INTERVAL_MS - 2 * JITTER_MS && dt <= INTERVAL_MS + 2 * JITTER_MS,
              `interval ${dt}`,
            );
            if ((labels[1] ?? '').endsWith('_total') || (labels[1] ?? '').endsWith('_bucket')) {
              assert.ok(v >= prev.v, `counter ${key} never decreases`);
            }
          }
          last.set(key, { t, v });
          total++;
        }
      }
    }
    assert.equal(total, a.samples);
    assert.equal(last.size, 300);
  });
});

describe('benchmark flags and report', () => {
  it('applies defaults, --quick, and rejects unknown flags', () => {
    const d = parseFlags([]);
    assert.equal(d.series, 50_000);
    assert.equal(d.hours, 2);
    assert.deepEqual(d.only, ['ingest', 'micro']);
    const q = parseFlags(['--quick', '--only=micro', '--servers=prometheus']);
    assert.equal(q.series, 5000);
    assert.equal(q.hours, 0.5);
    assert.deepEqual(q.only, ['micro']);
    assert.deepEqual(q.servers, ['prometheus']);
    assert.throws(() => parseFlags(['--nope=1']), FlagError);
    assert.throws(() => parseFlags(['--only=bogus']), FlagError);
    assert.throws(() => parseFlags(['--series=-3']), FlagError);
  });

  it('renders skipped servers and n/a figures', () => {
    const text = ingestTable(
      [
        { server: 'kansoku', title: 'Kansoku', skipped: 'not built' },
        { server: 'prometheus', title: 'Prometheus 2.42', samplesPerSec: 1234.4 },
      ],
      1000,
      10,
      5,
    );
    assert.match(text, /ingest rate, samples\/s\s+skipped\s+1,234/);
    assert.match(text, /Kansoku: skipped — not built/);
    assert.match(text, /disk bytes per sample\s+skipped\s+n\/a/);
  });
});
