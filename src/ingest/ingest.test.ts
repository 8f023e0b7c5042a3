import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readAll } from '../../test/support/storage.js';
import { relabelRule } from '../model/index.js';
import { MemStorage } from '../storage/index.js';
import {
  CSVFormatError,
  IngestPipeline,
  defaultIngestOptions,
  importCSV,
  importJSONLines,
  importPrometheusText,
  ingestLineProtocol,
  parseCSVFormat,
} from './index.js';

describe('ingestLineProtocol', () => {
  it('names series <measurement>_<field>, keeps good lines and reports bad ones', async () => {
    const storage = new MemStorage();
    const p = new IngestPipeline(storage);
    const r = await ingestLineProtocol(
      p,
      [
        'cpu,host=a usage_idle=99.5,usage_user=0.5 1700000000000000000',
        'cpu,host=a usage_idle=oops 1700000000000000000',
        'heart\\ rate,person=me bpm=61i,ok=true,note="x" 1700000001000000000',
      ].join('\n'),
      { precision: 'ns', db: 'telegraf', now: 0 },
    );
    assert.equal(r.accepted, 4);
    assert.equal(r.rejected, 2);
    assert.deepEqual(
      r.errors.map((e) => e.line),
      [2, 3],
    );
    assert.match(r.errors[0]!.reason, /line 2, column 23: invalid value "oops"/);
    const idle = await readAll(storage, { __name__: 'cpu_usage_idle' });
    assert.deepEqual(idle, [
      {
        labels: { __name__: 'cpu_usage_idle', db: 'telegraf', host: 'a' },
        samples: [[1_700_000_000_000, 99.5]],
      },
    ]);
    const bpm = await readAll(storage, { __name__: 'heart_rate_bpm' });
    assert.deepEqual(bpm[0]?.samples, [[1_700_000_001_000, 61]]);
    assert.deepEqual((await readAll(storage, { __name__: 'heart_rate_ok' }))[0]?.samples, [
      [1_700_000_001_000, 1],
    ]);
  });

  it('uses now for points without timestamps and applies relabeling and limits', async () => {
    const storage = new MemStorage();
    const p = new IngestPipeline(storage, {
      ...defaultIngestOptions(),
      relabel: [relabelRule({ action: 'labeldrop', regex: 'secret' })],
      limits: { maxLabelNames: 3, maxLabelNameLength: 0, maxLabelValueLength: 0 },
    });
    const r = await ingestLineProtocol(p, 'm,secret=s,a=1 v=1\nm,a=1,b=2,c=3 v=2', {
      precision: 'ns',
      db: '',
      now: 42,
    });
    assert.equal(r.accepted, 1);
    assert.match(r.errors[0]!.reason, /too many labels \(4 > 3\); raise --ingest.max-label-names/);
    assert.deepEqual(await readAll(storage, { __name__: 'm_v' }), [
      { labels: { __name__: 'm_v', a: '1' }, samples: [[42, 1]] },
    ]);
  });
});

describe('imports', () => {
  it('imports JSON lines with old timestamps and reports bad lines', async () => {
    const storage = new MemStorage();
    const p = new IngestPipeline(storage);
    const r = await importJSONLines(
      p,
      [
        '{"metric":{"__name__":"heart_rate","source":"watch"},"values":[61,"NaN",63],"timestamps":[946684800000,946684860000,946684920000]}',
        '{"metric":{"__name__":"x"},"values":[1],"timestamps":[]}',
        'not json',
      ].join('\n'),
    );
    assert.equal(r.accepted, 3);
    assert.deepEqual(
      r.errors.map((e) => e.line),
      [2, 3],
    );
    const hr = await readAll(storage, { __name__: 'heart_rate' });
    const samples = hr[0]!.samples;
    assert.equal(samples.length, 3);
    assert.deepEqual(samples[0], [946_684_800_000, 61]);
    assert.ok(Number.isNaN(samples[1]![1]));
  });

  it('imports CSV by a column spec', async () => {
    const storage = new MemStorage();
    const p = new IngestPipeline(storage);
    const cols = parseCSVFormat('1:time:rfc3339,2:label:host,3:metric:cpu usage,4:metric:mem');
    const r = await importCSV(
      p,
      '2024-01-01T00:00:00Z,"web,1",0.5,100\n2024-01-01T00:01:00Z,web2,bad,200\nnope,web3,1,1\n',
      cols,
      0,
    );
    assert.equal(r.accepted, 3);
    assert.equal(r.rejected, 1 + 4);
    assert.deepEqual(await readAll(storage, { __name__: 'cpu_usage' }), [
      { labels: { __name__: 'cpu_usage', host: 'web,1' }, samples: [[Date.UTC(2024, 0, 1), 0.5]] },
    ]);
    assert.throws(() => parseCSVFormat('1:time:weird,2:metric:x'), CSVFormatError);
    assert.throws(() => parseCSVFormat('1:label:x'), /at least one metric column/);
  });

  it('imports Prometheus text with timestamps', async () => {
    const storage = new MemStorage();
    const p = new IngestPipeline(storage);
    const r = await importPrometheusText(
      p,
      'a{x="1"} 1 1000\na{x="1"} 2 2000\nb 3\nbad line\n',
      5000,
    );
    assert.equal(r.accepted, 3);
    assert.equal(r.errors[0]?.line, 4);
    assert.deepEqual((await readAll(storage, { __name__: 'a' }))[0]?.samples, [
      [1000, 1],
      [2000, 2],
    ]);
    assert.deepEqual((await readAll(storage, { __name__: 'b' }))[0]?.samples, [[5000, 3]]);
  });
});
