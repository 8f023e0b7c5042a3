import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { single, type VariableValue } from '../../ui/src/dashboards/interpolate.js';
import { Limiter, prepareQueries, toSeries } from '../../ui/src/dashboards/queries.js';
import type { PanelModel } from '../../ui/src/panels/types.js';

const range = { from: 1_700_000_000_000, to: 1_700_003_600_000 }; // one hour
const scope = new Map<string, VariableValue>([
  ['job', { values: ['api', 'node'], multi: true }],
  ['env', single('prod')],
]);

describe('panel queries', () => {
  it('interpolates variables and built-ins and sizes the step', () => {
    const panel: PanelModel = {
      type: 'timeseries',
      targets: [
        {
          refId: 'A',
          expr: 'sum by (instance) (rate(x{job=~"$job",env="$env"}[$__rate_interval])) / $__range_s',
          legendFormat: '{{instance}} $env',
        },
        { refId: 'B', expr: 'up', hide: true },
        { refId: 'C', expr: '' },
        { refId: 'D', expr: 'count(up)', instant: true, interval: '1m' },
      ],
    };
    const qs = prepareQueries(panel, 1000, range, scope);
    assert.equal(qs.length, 2);
    const [a, d] = qs;
    assert.ok(a && d);
    assert.equal(a.expr, 'sum by (instance) (rate(x{job=~"(api|node)",env="prod"}[1m])) / 3600');
    assert.equal(a.step, 15);
    assert.equal(a.legendFormat, '{{instance}} prod');
    assert.equal(a.start % 15, 0);
    assert.equal(d.instant, true);
    assert.equal(d.end, range.to / 1000);
    assert.equal(d.step, 60);
  });

  it('honours maxDataPoints and the panel min interval', () => {
    const base: PanelModel = {
      type: 'timeseries',
      targets: [{ refId: 'A', expr: 'x[$__interval]' }],
    };
    assert.equal(
      prepareQueries({ ...base, maxDataPoints: 60 }, 1000, range, scope)[0]?.expr,
      'x[1m]',
    );
    assert.equal(prepareQueries({ ...base, interval: '5m' }, 1000, range, scope)[0]?.expr, 'x[5m]');
  });

  it('turns results into series with legends', () => {
    const q = {
      refId: 'A',
      expr: 'up',
      instant: false,
      start: 0,
      end: 0,
      step: 15,
      legendFormat: '{{job}}',
    };
    const s = toSeries(q, {
      kind: 'matrix',
      series: [
        {
          metric: { __name__: 'up', job: 'node' },
          times: Float64Array.of(1, 2),
          values: Float64Array.of(1, 0),
        },
      ],
    });
    assert.equal(s.length, 1);
    assert.equal(s[0]?.name, 'node');
    const first = s[0];
    assert.ok(first);
    assert.deepEqual([...first.timestamps], [1000, 2000]);
    const v = toSeries(
      { ...q, legendFormat: '' },
      {
        kind: 'vector',
        samples: [{ metric: { job: 'a' }, time: 5, value: '2.5' }],
      },
    );
    assert.equal(v[0]?.name, '{job="a"}');
    const vf = v[0];
    assert.ok(vf);
    assert.deepEqual([...vf.values], [2.5]);
    const sc = toSeries(q, { kind: 'scalar', time: 5, value: '3' });
    assert.equal(sc[0]?.values[0], 3);
  });

  it('limits concurrency and lets aborted waiters go', async () => {
    const lim = new Limiter(2);
    let active = 0;
    let peak = 0;
    const task = async (): Promise<number> => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 5));
      active--;
      return 1;
    };
    const ac = new AbortController();
    const runs = [lim.run(task), lim.run(task), lim.run(task, ac.signal), lim.run(task)];
    ac.abort();
    const out = await Promise.allSettled(runs);
    assert.equal(peak, 2);
    assert.deepEqual(
      out.map((r) => r.status),
      ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
    );
  });
});
