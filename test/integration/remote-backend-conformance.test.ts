/**
 * The storage conformance suite against the remote backend on Debian's VictoriaMetrics (export
 * reads through cluster-style paths) and Debian's Prometheus (remote read).
 *
 * The suite's read and lifecycle cases run unchanged. Its write cases assume a storage that can
 * judge every duplicate when `append` is called and keeps every float bit for bit; a remote
 * engine judges duplicates against stored data itself, after the batch left the queue, and
 * VictoriaMetrics stores values as decimals. So the write contract is checked here case by case
 * with each backend's documented behaviour (docs/scale-out.md, "What differs").
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  RemoteHttpClient,
  RemoteWriteRejectedError,
  defaultRemoteBackendOptions,
  detectFlavor,
} from '../../src/backends/remote/index.js';
import { Logger } from '../../src/util/index.js';
import {
  DuplicateSampleError,
  Labels,
  MAX_TIME,
  MIN_TIME,
  Matcher,
  STALE_NAN,
} from '../../src/model/index.js';
import { registerLifecycleCases } from '../../src/storage/conformance/cases_lifecycle.js';
import { registerReadCases } from '../../src/storage/conformance/cases_read.js';
import {
  T0,
  appendAll,
  formatValue,
  selectDump,
  withStorage,
  type ConformanceFactory,
  type TestSample,
} from '../../src/storage/conformance/index.js';
import type { Storage } from '../../src/storage/index.js';
import {
  PROM_SKIP,
  VM_SKIP,
  lazyBackendFactory,
  startPrometheus,
  startVictoriaMetrics,
} from './remote-backend-peers.js';

const vm = lazyBackendFactory(startVictoriaMetrics);
const prom = lazyBackendFactory(startPrometheus);
/** The query-API reader (`thanos` flavor: Thanos Query has no remote read), on Prometheus. */
const viaQuery = lazyBackendFactory(startPrometheus, { flavor: 'thanos' });
after(async () => {
  await Promise.all([vm.stop(), prom.stop(), viaQuery.stop()]);
});

const L = (rec: Record<string, string>): Labels => Labels.fromRecord(rec);
const read = async (db: Storage, name: string): Promise<readonly (readonly [number, string])[]> =>
  (await selectDump(db, MIN_TIME, MAX_TIME, [new Matcher('=', '__name__', name)]))[0]?.samples ??
  [];

/** Values every backend keeps exactly (one magnitude range per block, as real data has). */
const PLAIN_VALUES = Float64Array.of(0, 1, -1, 1.5, 0.1, 42, 1e9, 123456.789, Infinity, -Infinity);

/** The write cases, with the flavor's behaviour for conflicts with stored data and odd floats. */
function registerWriteCases(
  f: ConformanceFactory,
  flavor: 'victoriametrics' | 'prometheus' | 'thanos',
): void {
  // Query APIs leave staleness markers out of range vectors, so the query-API reader (Thanos)
  // never sees them; the engine then ends series by the lookback delta alone.
  const dropsStale = flavor === 'thanos';
  void it('makes a batch visible at commit and discards it at rollback', async () => {
    await withStorage(f, async ({ db }) => {
      const A = L({ __name__: 'vis', s: 'a' });
      const app = db.appender();
      const ref = app.append(0, A, T0, 1);
      assert.notEqual(ref, 0);
      app.append(ref, A, T0 + 1, 2);
      assert.deepEqual(await read(db, 'vis'), [], 'nothing visible before commit');
      await app.commit();
      assert.deepEqual(await read(db, 'vis'), [
        [T0, '1'],
        [T0 + 1, '2'],
      ]);
      const rb = db.appender();
      rb.append(ref, A, T0 + 2, 4);
      await rb.rollback();
      assert.equal((await read(db, 'vis')).length, 2, 'rolled back samples stay invisible');
    });
  });

  void it('rejects an empty label set and conflicting duplicates within a batch', async () => {
    await withStorage(f, async ({ db }) => {
      const A = L({ __name__: 'dup' });
      const app = db.appender();
      assert.throws(() => app.append(0, Labels.EMPTY, T0, 1));
      app.append(0, A, T0, 7);
      app.append(0, A, T0, 7); // identical: ignored
      assert.throws(() => app.append(0, A, T0, 8), DuplicateSampleError);
      app.append(0, A, T0 + 1, STALE_NAN);
      assert.throws(() => app.append(0, A, T0 + 1, Number.NaN), DuplicateSampleError, 'NaN bits');
      await app.commit();
      const want: [number, string][] = [[T0, '7']];
      if (!dropsStale) want.push([T0 + 1, formatValue(STALE_NAN)]);
      assert.deepEqual(await read(db, 'dup'), want);
    });
  });

  void it('keeps the first value when a later batch conflicts with stored data', async () => {
    await withStorage(f, async ({ db }) => {
      const A = L({ __name__: 'conflict' });
      await appendAll(db, [[A, T0, 1]]);
      const app = db.appender();
      app.append(0, A, T0, 2); // the queue cannot know what the backend holds
      app.append(0, A, T0 + 1, 3);
      if (flavor !== 'victoriametrics') {
        // Prometheus refuses the whole request: the other sample of the batch is lost too.
        await assert.rejects(app.commit(), RemoteWriteRejectedError);
        assert.deepEqual(await read(db, 'conflict'), [[T0, '1']]);
      } else {
        // VictoriaMetrics stores both; reads keep the first, as Prometheus would.
        await app.commit();
        assert.deepEqual(await read(db, 'conflict'), [
          [T0, '1'],
          [T0 + 1, '3'],
        ]);
      }
    });
  });

  void it('accepts out-of-order samples within and across batches', async () => {
    await withStorage(f, async ({ db }) => {
      const A = L({ __name__: 'ooo' });
      await appendAll(db, [
        [A, T0 + 50_000, 5],
        [A, T0 + 10_000, 1],
        [A, T0 + 30_000, 3],
      ]);
      await appendAll(db, [
        [A, T0 + 20_000, 2],
        [A, T0, 0],
      ]);
      assert.deepEqual(
        await read(db, 'ooo'),
        [0, 1, 2, 3, 5].map((i) => [T0 + i * 10_000, String(i)]),
      );
    });
  });

  void it('round-trips staleness markers, infinities and ordinary values', async () => {
    await withStorage(f, async ({ db }) => {
      const A = L({ __name__: 'values' });
      const data: TestSample[] = [];
      for (let i = 0; i < PLAIN_VALUES.length; i++) data.push([A, T0 + i * 1000, PLAIN_VALUES[i]!]);
      await appendAll(db, data);
      const stale = db.appender();
      stale.append(0, A, T0 + 100_000, STALE_NAN);
      await stale.commit();
      const want = [...PLAIN_VALUES].map((v, i) => [T0 + i * 1000, formatValue(v)]);
      if (!dropsStale) want.push([T0 + 100_000, formatValue(STALE_NAN)]);
      assert.deepEqual(await read(db, 'values'), want);
    });
  });

  if (flavor === 'prometheus') {
    void it('round-trips NaN payloads, -0 and extreme values bit-exactly (Prometheus)', async () => {
      await withStorage(f, async ({ db }) => {
        const A = L({ __name__: 'bits' });
        const dv = new DataView(new ArrayBuffer(8));
        dv.setUint32(0, 0x7ff80000);
        dv.setUint32(4, 0x123);
        const vals = Float64Array.of(-0, Number.MIN_VALUE, Number.MAX_VALUE, 1e-300, Number.NaN);
        const app = db.appender();
        for (let i = 0; i < vals.length; i++) app.append(0, A, T0 + i, vals[i]!);
        app.append(0, A, T0 + 10, dv.getFloat64(0));
        await app.commit();
        const got = (await read(db, 'bits')).map((s) => s[1]);
        const want = [...vals].map(formatValue);
        want.push(formatValue(dv.getFloat64(0)));
        assert.deepEqual(got, want);
      });
    });
  }

  void it('holds many series (2000) and a long series (20000 samples)', async () => {
    await withStorage(f, async ({ db }) => {
      const data: TestSample[] = [];
      for (let i = 0; i < 2000; i++) data.push([L({ __name__: 'many', i: String(i) }), T0, i]);
      for (let i = 0; i < 20_000; i++) data.push([L({ __name__: 'long' }), T0 + i * 1000, i]);
      await appendAll(db, data);
      const q = await db.querier(MIN_TIME, MAX_TIME);
      try {
        assert.equal(
          (await q.labelValues('i', [new Matcher('=', '__name__', 'many')])).length,
          2000,
        );
      } finally {
        q.close();
      }
      const many = await selectDump(db, T0, T0, [new Matcher('=', '__name__', 'many')]);
      assert.equal(many.length, 2000);
      const long = await read(db, 'long');
      assert.equal(long.length, 20_000);
      assert.deepEqual(long[12_345], [T0 + 12_345_000, '12345']);
    });
  });
}

/** Registers the suite's read and lifecycle cases and the write cases above. */
function register(
  name: string,
  f: ConformanceFactory,
  flavor: 'victoriametrics' | 'prometheus' | 'thanos',
  skip: string | false,
): void {
  void describe(`storage conformance: remote backend on ${name}`, { skip }, () => {
    void describe('read', () => {
      registerReadCases(f);
    });
    void describe('write', () => {
      registerWriteCases(f, flavor);
    });
    void describe('lifecycle', () => {
      registerLifecycleCases(f, false);
    });
  });
}

register('VictoriaMetrics (cluster paths, export)', vm, 'victoriametrics', VM_SKIP);
register('Prometheus (remote read)', prom, 'prometheus', PROM_SKIP);
register('Prometheus (query API reader, as for Thanos)', viaQuery, 'thanos', PROM_SKIP);

void describe('flavor detection by asking the read URL', () => {
  const detect = async (write: string, read: string): Promise<string> => {
    const client = new RemoteHttpClient(defaultRemoteBackendOptions(write, read, '', Logger.nop()));
    try {
      return await detectFlavor(client, write, read);
    } finally {
      client.close();
    }
  };
  void it('recognises VictoriaMetrics single-node URLs', { skip: VM_SKIP }, async () => {
    const b = await vm.backend();
    assert.equal(await detect(`${b.directUrl}/api/v1/write`, b.directUrl), 'victoriametrics');
  });
  void it('recognises Prometheus', { skip: PROM_SKIP }, async () => {
    const b = await prom.backend();
    assert.equal(await detect(b.writeUrl, b.readUrl), 'prometheus');
  });
});
