import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FixtureHost, stable } from './fixtures.js';

const MC = 'devices/system/edac/mc';

/** Two memory controllers of an ECC server: mc0 with two csrows, mc1 without csrow files. */
const EDAC: Record<string, string> = {
  [`${MC}/mc0/ce_count`]: '3\n',
  [`${MC}/mc0/ce_noinfo_count`]: '1\n',
  [`${MC}/mc0/ue_count`]: '0\n',
  [`${MC}/mc0/ue_noinfo_count`]: '0\n',
  [`${MC}/mc0/mc_name`]: 'Skylake Socket#0 IMC#0\n',
  [`${MC}/mc0/size_mb`]: '32768\n',
  [`${MC}/mc0/csrow0/ce_count`]: '2\n',
  [`${MC}/mc0/csrow0/ue_count`]: '0\n',
  [`${MC}/mc0/csrow0/size_mb`]: '16384\n',
  [`${MC}/mc0/csrow1/ce_count`]: '0\n',
  [`${MC}/mc0/csrow1/ue_count`]: '0\n',
  [`${MC}/mc0/dimm0/dimm_label`]: 'CPU_SrcID#0_MC#0_Chan#0_DIMM#0\n',
  [`${MC}/mc1/ce_count`]: '0\n',
  [`${MC}/mc1/ce_noinfo_count`]: '0\n',
  [`${MC}/mc1/ue_count`]: '1\n',
  [`${MC}/mc1/ue_noinfo_count`]: '1\n',
  [`${MC}/power/control`]: 'auto\n',
};

describe('edac collector', () => {
  const host = new FixtureHost();
  const none = new FixtureHost();
  const broken = new FixtureHost();

  before(() => {
    host.write('sys', EDAC);
    broken.write('sys', { [`${MC}/mc0/ce_count`]: '1\n' });
  });

  after(() => {
    for (const h of [host, none, broken]) h.remove();
  });

  it('reports error counts per controller and csrow', async () => {
    assert.equal(
      stable(await host.scrape('edac')),
      `# HELP node_edac_correctable_errors_total Total correctable memory errors.
# TYPE node_edac_correctable_errors_total counter
node_edac_correctable_errors_total{controller="0"} 3
node_edac_correctable_errors_total{controller="1"} 0
# HELP node_edac_csrow_correctable_errors_total Total correctable memory errors for this csrow.
# TYPE node_edac_csrow_correctable_errors_total counter
node_edac_csrow_correctable_errors_total{controller="0",csrow="0"} 2
node_edac_csrow_correctable_errors_total{controller="0",csrow="1"} 0
node_edac_csrow_correctable_errors_total{controller="0",csrow="unknown"} 1
node_edac_csrow_correctable_errors_total{controller="1",csrow="unknown"} 0
# HELP node_edac_csrow_uncorrectable_errors_total Total uncorrectable memory errors for this csrow.
# TYPE node_edac_csrow_uncorrectable_errors_total counter
node_edac_csrow_uncorrectable_errors_total{controller="0",csrow="0"} 0
node_edac_csrow_uncorrectable_errors_total{controller="0",csrow="1"} 0
node_edac_csrow_uncorrectable_errors_total{controller="0",csrow="unknown"} 0
node_edac_csrow_uncorrectable_errors_total{controller="1",csrow="unknown"} 1
# HELP node_edac_uncorrectable_errors_total Total uncorrectable memory errors.
# TYPE node_edac_uncorrectable_errors_total counter
node_edac_uncorrectable_errors_total{controller="0"} 0
node_edac_uncorrectable_errors_total{controller="1"} 1
# HELP node_scrape_collector_success node_exporter: Whether a collector succeeded.
# TYPE node_scrape_collector_success gauge
node_scrape_collector_success{collector="edac"} 1
`,
    );
  });

  it('a host without EDAC succeeds with nothing; a missing count fails', async () => {
    assert.equal(
      stable(await none.scrape('edac')),
      '# HELP node_scrape_collector_success node_exporter: Whether a collector succeeded.\n' +
        '# TYPE node_scrape_collector_success gauge\n' +
        'node_scrape_collector_success{collector="edac"} 1\n',
    );
    const b = await broken.scrape('edac');
    assert.ok(b.includes('node_scrape_collector_success{collector="edac"} 0\n'));
    assert.ok(!b.includes('node_edac_'));
  });
});
