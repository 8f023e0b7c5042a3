/**
 * Bulk import of old history into a running embedded TSDB: years-old samples spanning many block
 * ranges arrive after fresh ones (through JSON lines, CSV and the text format), are compacted into
 * blocks, survive a reopen, and read back exactly; samples older than the retention are refused
 * line by line with the setting named, while the rest of the request is stored.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  IngestPipeline,
  importCSV,
  importJSONLines,
  importPrometheusText,
  ingestLineProtocol,
  parseCSVFormat,
} from '../../src/ingest/index.js';
import { METRIC_NAME, Matcher } from '../../src/model/index.js';
import type { Storage } from '../../src/storage/index.js';
import { openDB } from '../../src/tsdb/index.js';
import { Logger } from '../../src/util/index.js';

const YEAR_MS = 365 * 86_400_000;
const TEN_MIN = 600_000;

async function samples(db: Storage, name: string): Promise<[number, number][]> {
  const q = await db.querier(0, Number.MAX_SAFE_INTEGER);
  const set = await q.select(true, undefined, [new Matcher('=', METRIC_NAME, name)]);
  const out: [number, number][] = [];
  while (set.next()) {
    const it = set.at().iterator();
    while (it.next() !== 'none') out.push([it.atT(), it.atF()]);
  }
  q.close();
  return out;
}

describe('importing old history into the embedded TSDB', () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'kansoku-history-'));
    dirs.push(d);
    return d;
  };
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('takes years-old samples across block boundaries after fresh ones, through every import format', async () => {
    const dir = tempDir();
    const opts = { fsync: 'never' as const, logger: Logger.nop(), retentionMs: 10 * YEAR_MS };
    let db = await openDB(dir, opts);
    const p = new IngestPipeline(db);
    const now = Date.now();
    const fresh = await ingestLineProtocol(p, `hr,who=me bpm=70i ${now}`, {
      precision: 'ms',
      db: '',
      now,
    });
    assert.equal(fresh.accepted, 1);

    // A day of heart rate two years ago, every 10 minutes: 12 two-hour block ranges.
    const start = Math.floor((now - 2 * YEAR_MS) / 86_400_000) * 86_400_000;
    const expected: [number, number][] = [];
    for (let t = start; t < start + 86_400_000; t += TEN_MIN)
      expected.push([t, 55 + ((t / TEN_MIN) % 30)]);
    const json = await importJSONLines(
      p,
      JSON.stringify({
        metric: { __name__: 'hr_bpm', who: 'me' },
        values: expected.map(([, v]) => v),
        timestamps: expected.map(([t]) => t),
      }),
    );
    assert.deepEqual([json.accepted, json.rejected], [expected.length, 0]);

    // A year before that as CSV (daily steps) and as the text format with timestamps.
    const csvStart = start - YEAR_MS;
    const csvRows = Array.from(
      { length: 3 },
      (_, d) => `${(csvStart + d * 86_400_000) / 1000},${5000 + d}`,
    );
    const csv = await importCSV(
      p,
      csvRows.join('\n'),
      parseCSVFormat('1:time:unix_s,2:metric:steps'),
      now,
    );
    assert.deepEqual([csv.accepted, csv.rejected], [3, 0]);
    const text = await importPrometheusText(
      p,
      `# TYPE weight_kg gauge\nweight_kg 71.5 ${csvStart}\nweight_kg 71.2 ${csvStart + 7 * 86_400_000}\n`,
      now,
    );
    assert.deepEqual([text.accepted, text.rejected], [2, 0]);

    await db.compact(true);
    await db.close();
    db = await openDB(dir, opts);
    try {
      assert.ok(
        readdirSync(dir).filter((f) => /^[0-9A-Z]{26}$/.test(f)).length > 1,
        'history was written into blocks',
      );
      assert.deepEqual(await samples(db, 'hr_bpm'), [...expected, [now, 70]]);
      assert.equal((await samples(db, 'steps')).length, 3);
      assert.deepEqual(await samples(db, 'weight_kg'), [
        [csvStart, 71.5],
        [csvStart + 7 * 86_400_000, 71.2],
      ]);
    } finally {
      await db.close();
    }
  });

  it('refuses samples beyond the retention line by line, naming the setting, and keeps the rest', async () => {
    const db = await openDB(tempDir(), { fsync: 'never', logger: Logger.nop() });
    try {
      const p = new IngestPipeline(db);
      const now = Date.now();
      const first = await importJSONLines(
        p,
        JSON.stringify({ metric: { __name__: 'recent' }, values: [1], timestamps: [now] }),
      );
      assert.equal(first.accepted, 1);
      const body = [
        JSON.stringify({ metric: { __name__: 'recent1' }, values: [1], timestamps: [now - 1000] }),
        JSON.stringify({
          metric: { __name__: 'ancient' },
          values: [2],
          timestamps: [now - YEAR_MS],
        }),
        JSON.stringify({
          metric: { __name__: 'recent2' },
          values: [3],
          timestamps: [now - 86_400_000],
        }),
      ].join('\n');
      const r = await importJSONLines(p, body);
      assert.deepEqual([r.accepted, r.rejected], [2, 1]);
      assert.equal(r.errors[0]?.line, 2);
      assert.match(r.errors[0].reason, /retention.*storage\.tsdb\.retention\.time/);
      assert.deepEqual(await samples(db, 'recent2'), [[now - 86_400_000, 3]]);
    } finally {
      await db.close();
    }
  });
});
