import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FixtureHost, stable } from './fixtures.js';

/** `/sys/class/dmi/id` of a small x86 home server (a mini PC), as the kernel exposes it. */
const DMI: Record<string, string> = {
  'class/dmi/id/bios_date': '11/22/2023\n',
  'class/dmi/id/bios_release': '5.27\n',
  'class/dmi/id/bios_vendor': 'American Megatrends International, LLC.\n',
  'class/dmi/id/bios_version': 'ADLNV106\n',
  'class/dmi/id/board_asset_tag': 'Default string\n',
  'class/dmi/id/board_name': 'ALDER LAKE-N\n',
  'class/dmi/id/board_serial': 'Default string\n',
  'class/dmi/id/board_vendor': 'AZW\n',
  'class/dmi/id/board_version': 'Default string\n',
  'class/dmi/id/chassis_asset_tag': 'Default string\n',
  'class/dmi/id/chassis_serial': 'Default string\n',
  'class/dmi/id/chassis_type': '35\n',
  'class/dmi/id/chassis_vendor': 'Default string\n',
  'class/dmi/id/chassis_version': 'Default string\n',
  'class/dmi/id/modalias':
    'dmi:bvnAmericanMegatrendsInternational,LLC.:bvrADLNV106:bd11/22/2023:br5.27:svnAZW:pnS12:\n',
  'class/dmi/id/product_family': '\n',
  'class/dmi/id/product_name': 'S12\n',
  'class/dmi/id/product_serial': 'Default string\n',
  'class/dmi/id/product_sku': 'SKU001\n',
  'class/dmi/id/product_uuid': '03000200-0400-0500-0006-000700080009\n',
  'class/dmi/id/product_version': 'Default string\n',
  'class/dmi/id/sys_vendor': 'AZW\n',
  'class/dmi/id/uevent':
    'MODALIAS=dmi:bvnAmericanMegatrendsInternational,LLC.:bvrADLNV106:bd11/22/2023:br5.27:svnAZW:pnS12:\n',
  'class/dmi/id/power/control': 'auto\n',
};

describe('dmi collector', () => {
  const host = new FixtureHost();
  const partial = new FixtureHost();
  const pi = new FixtureHost();
  const empty = new FixtureHost();

  before(() => {
    host.write('sys', DMI);
    partial.write('sys', {
      'class/dmi/id/sys_vendor': 'QEMU\n',
      'class/dmi/id/product_name': 'Standard PC (Q35 + ICH9, 2009)\n',
      'class/dmi/id/bios_vendor': Buffer.from('SeaBIOS \xff\n', 'latin1'),
    });
    pi.write('sys', { 'firmware/devicetree/base/model': 'Raspberry Pi 4 Model B Rev 1.4\0' });
    empty.write('sys', { 'class/dmi/id/uevent': 'MODALIAS=dmi:\n' });
  });

  after(() => {
    for (const h of [host, partial, pi, empty]) h.remove();
  });

  it('reports every attribute as a label of node_dmi_info', async () => {
    assert.equal(
      stable(await host.scrape('dmi')),
      `# HELP node_dmi_info A metric with a constant '1' value labeled by bios_date, bios_release, bios_vendor, bios_version, board_asset_tag, board_name, board_serial, board_vendor, board_version, chassis_asset_tag, chassis_serial, chassis_vendor, chassis_version, product_family, product_name, product_serial, product_sku, product_uuid, product_version, system_vendor if provided by DMI.
# TYPE node_dmi_info gauge
node_dmi_info{bios_date="11/22/2023",bios_release="5.27",bios_vendor="American Megatrends International, LLC.",bios_version="ADLNV106",board_asset_tag="Default string",board_name="ALDER LAKE-N",board_serial="Default string",board_vendor="AZW",board_version="Default string",chassis_asset_tag="Default string",chassis_serial="Default string",chassis_vendor="Default string",chassis_version="Default string",product_family="",product_name="S12",product_serial="Default string",product_sku="SKU001",product_uuid="03000200-0400-0500-0006-000700080009",product_version="Default string",system_vendor="AZW"} 1
# HELP node_scrape_collector_success node_exporter: Whether a collector succeeded.
# TYPE node_scrape_collector_success gauge
node_scrape_collector_success{collector="dmi"} 1
`,
    );
  });

  it('labels only the attributes present; invalid UTF-8 becomes U+FFFD', async () => {
    const t = await partial.scrape('dmi');
    assert.ok(
      t.includes(
        'node_dmi_info{bios_vendor="SeaBIOS \ufffd",product_name="Standard PC (Q35 + ICH9, 2009)",system_vendor="QEMU"} 1\n',
      ),
      t,
    );
  });

  it('reports no data on a board without DMI (Raspberry Pi) or without attributes', async () => {
    for (const h of [pi, empty]) {
      const t = await h.scrape('dmi');
      assert.ok(t.includes('node_scrape_collector_success{collector="dmi"} 0\n'));
      assert.ok(!t.includes('node_dmi_info'));
    }
  });
});
