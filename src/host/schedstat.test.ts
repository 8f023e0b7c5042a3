import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FixtureHost, stable } from './fixtures.js';

/** `/proc/schedstat` version 15 of a four-core Raspberry Pi 4 (kernel 6.1). */
const SCHEDSTAT = `version 15
timestamp 4295000623
cpu0 0 0 0 0 0 0 2379393755463 406981396474 6197553
domain0 0f 73460 72470 842 79367 148 0 1 72470 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 11 0 11 0 0 0 0 0 0 0 0 0 0 75 0 0
cpu1 0 0 0 0 0 0 1796234119840 250116302950 3928661
domain0 0f 46290 45910 347 48760 64 0 0 45910 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 7 0 7 0 0 0 0 0 0 0 0 0 0 62 0 0
cpu2 0 0 0 0 0 0 1750003000000 240000000000 3800000
domain0 0f 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
cpu3 0 0 0 0 0 0 1 0 0
domain0 0f 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
`;

describe('schedstat collector', () => {
  const host = new FixtureHost();
  const empty = new FixtureHost();

  before(() => {
    host.write('proc', { schedstat: SCHEDSTAT });
  });

  after(() => {
    host.remove();
    empty.remove();
  });

  it('reports running and waiting seconds and timeslices per CPU', async () => {
    assert.equal(
      stable(await host.scrape('schedstat')),
      `# HELP node_schedstat_running_seconds_total Number of seconds CPU spent running a process.
# TYPE node_schedstat_running_seconds_total counter
node_schedstat_running_seconds_total{cpu="0"} 2379.393755463
node_schedstat_running_seconds_total{cpu="1"} 1796.23411984
node_schedstat_running_seconds_total{cpu="2"} 1750.003
node_schedstat_running_seconds_total{cpu="3"} 1e-09
# HELP node_schedstat_timeslices_total Number of timeslices executed by CPU.
# TYPE node_schedstat_timeslices_total counter
node_schedstat_timeslices_total{cpu="0"} 6.197553e+06
node_schedstat_timeslices_total{cpu="1"} 3.928661e+06
node_schedstat_timeslices_total{cpu="2"} 3.8e+06
node_schedstat_timeslices_total{cpu="3"} 0
# HELP node_schedstat_waiting_seconds_total Number of seconds spent by processing waiting for this CPU.
# TYPE node_schedstat_waiting_seconds_total counter
node_schedstat_waiting_seconds_total{cpu="0"} 406.981396474
node_schedstat_waiting_seconds_total{cpu="1"} 250.11630295
node_schedstat_waiting_seconds_total{cpu="2"} 240
node_schedstat_waiting_seconds_total{cpu="3"} 0
# HELP node_scrape_collector_success node_exporter: Whether a collector succeeded.
# TYPE node_scrape_collector_success gauge
node_scrape_collector_success{collector="schedstat"} 1
`,
    );
  });

  it('reports no data without /proc/schedstat', async () => {
    const t = await empty.scrape('schedstat');
    assert.ok(t.includes('node_scrape_collector_success{collector="schedstat"} 0\n'));
    assert.ok(!t.includes('node_schedstat_'));
  });
});
