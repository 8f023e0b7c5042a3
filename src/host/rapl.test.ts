import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FixtureHost, stable } from './fixtures.js';

const BASE = 'devices/virtual/powercap/intel-rapl';

/** An Intel desktop's powercap tree: the control type, package with core/uncore/dram, psys. */
const POWERCAP: Record<string, string> = {
  [`${BASE}/enabled`]: '1\n',
  [`${BASE}/uevent`]: '',
  [`${BASE}/intel-rapl:0/name`]: 'package-0\n',
  [`${BASE}/intel-rapl:0/energy_uj`]: '240422366267\n',
  [`${BASE}/intel-rapl:0/max_energy_range_uj`]: '262143328850\n',
  [`${BASE}/intel-rapl:0/enabled`]: '1\n',
  [`${BASE}/intel-rapl:0/intel-rapl:0:0/name`]: 'core\n',
  [`${BASE}/intel-rapl:0/intel-rapl:0:0/energy_uj`]: '118821284256\n',
  [`${BASE}/intel-rapl:0/intel-rapl:0:0/max_energy_range_uj`]: '262143328850\n',
  [`${BASE}/intel-rapl:0/intel-rapl:0:1/name`]: 'uncore\n',
  [`${BASE}/intel-rapl:0/intel-rapl:0:1/energy_uj`]: '1634166\n',
  [`${BASE}/intel-rapl:0/intel-rapl:0:1/max_energy_range_uj`]: '262143328850\n',
  [`${BASE}/intel-rapl:0/intel-rapl:0:2/name`]: 'dram\n',
  [`${BASE}/intel-rapl:0/intel-rapl:0:2/energy_uj`]: '24023900\n',
  [`${BASE}/intel-rapl:0/intel-rapl:0:2/max_energy_range_uj`]: '262143328850\n',
  [`${BASE}/intel-rapl:1/name`]: 'psys\n',
  [`${BASE}/intel-rapl:1/energy_uj`]: '0\n',
  [`${BASE}/intel-rapl:1/max_energy_range_uj`]: '262143328850\n',
};

describe('rapl collector', () => {
  const host = new FixtureHost();
  const none = new FixtureHost();
  const broken = new FixtureHost();

  before(() => {
    host.write('sys', POWERCAP);
    for (const z of [
      'intel-rapl',
      'intel-rapl:0',
      'intel-rapl:0:0',
      'intel-rapl:0:1',
      'intel-rapl:0:2',
      'intel-rapl:1',
    ]) {
      const parts = z.split(':');
      const target =
        z === 'intel-rapl'
          ? BASE
          : parts.length === 2
            ? `${BASE}/${z}`
            : `${BASE}/${parts.slice(0, 2).join(':')}/${z}`;
      host.link(`class/powercap/${z}`, `../../${target}`);
    }
    broken.write('sys', {
      'class/powercap/intel-rapl:0/name': 'package-0\n',
      'class/powercap/intel-rapl:0/max_energy_range_uj': '262143328850\n',
      'class/powercap/intel-rapl:0/energy_uj': 'x\n',
    });
  });

  after(() => {
    for (const h of [host, none, broken]) h.remove();
  });

  it('reports joules per zone with index and path', async () => {
    const p = `${host.sysfs}/class/powercap`;
    assert.equal(
      stable(await host.scrape('rapl')),
      `# HELP node_rapl_core_joules_total Current RAPL core value in joules
# TYPE node_rapl_core_joules_total counter
node_rapl_core_joules_total{index="0",path="${p}/intel-rapl:0:0"} 118821.284256
# HELP node_rapl_dram_joules_total Current RAPL dram value in joules
# TYPE node_rapl_dram_joules_total counter
node_rapl_dram_joules_total{index="0",path="${p}/intel-rapl:0:2"} 24.0239
# HELP node_rapl_package_joules_total Current RAPL package value in joules
# TYPE node_rapl_package_joules_total counter
node_rapl_package_joules_total{index="0",path="${p}/intel-rapl:0"} 240422.366267
# HELP node_rapl_psys_joules_total Current RAPL psys value in joules
# TYPE node_rapl_psys_joules_total counter
node_rapl_psys_joules_total{index="0",path="${p}/intel-rapl:1"} 0
# HELP node_rapl_uncore_joules_total Current RAPL uncore value in joules
# TYPE node_rapl_uncore_joules_total counter
node_rapl_uncore_joules_total{index="0",path="${p}/intel-rapl:0:1"} 1.634166
# HELP node_scrape_collector_success node_exporter: Whether a collector succeeded.
# TYPE node_scrape_collector_success gauge
node_scrape_collector_success{collector="rapl"} 1
`,
    );
  });

  it('no powercap class is no data; a bad counter fails', async () => {
    const n = await none.scrape('rapl');
    assert.ok(n.includes('node_scrape_collector_success{collector="rapl"} 0\n'));
    const b = await broken.scrape('rapl');
    assert.ok(b.includes('node_scrape_collector_success{collector="rapl"} 0\n'));
    assert.ok(!b.includes('node_rapl_'));
  });
});
