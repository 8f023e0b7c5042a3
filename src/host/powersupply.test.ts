import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FixtureHost, stable } from './fixtures.js';

const AC_DIR = 'devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0003:00/power_supply/AC';
const BAT_DIR = 'devices/LNXSYSTM:00/LNXSYBUS:00/PNP0C0A:00/power_supply/BAT0';
const USB_DIR = 'devices/platform/USBC000:00/power_supply/ucsi-source-psy-USBC000:001';

/** A laptop's supplies as the kernel exposes them: mains adapter, battery, USB-C port. */
const SUPPLIES: Record<string, string> = {
  [`${AC_DIR}/online`]: '1\n',
  [`${AC_DIR}/type`]: 'Mains\n',
  [`${AC_DIR}/uevent`]: 'POWER_SUPPLY_NAME=AC\nPOWER_SUPPLY_TYPE=Mains\nPOWER_SUPPLY_ONLINE=1\n',
  [`${AC_DIR}/power/control`]: 'auto\n',
  [`${BAT_DIR}/alarm`]: '2580000\n',
  [`${BAT_DIR}/capacity`]: '87\n',
  [`${BAT_DIR}/capacity_level`]: 'Normal\n',
  [`${BAT_DIR}/charge_control_end_threshold`]: '80\n',
  [`${BAT_DIR}/cycle_count`]: '123\n',
  [`${BAT_DIR}/energy_full`]: '45020000\n',
  [`${BAT_DIR}/energy_full_design`]: '57020000\n',
  [`${BAT_DIR}/energy_now`]: '39170000\n',
  [`${BAT_DIR}/manufacturer`]: 'SMP\n',
  [`${BAT_DIR}/model_name`]: '5B10W13930\n',
  [`${BAT_DIR}/power_now`]: '7430000\n',
  [`${BAT_DIR}/present`]: '1\n',
  [`${BAT_DIR}/serial_number`]: '  1234\n',
  [`${BAT_DIR}/status`]: 'Discharging\n',
  [`${BAT_DIR}/technology`]: 'Li-poly\n',
  [`${BAT_DIR}/type`]: 'Battery\n',
  [`${BAT_DIR}/voltage_min_design`]: '15440000\n',
  [`${BAT_DIR}/voltage_now`]: '16808000\n',
  [`${USB_DIR}/current_max`]: '3000000\n',
  [`${USB_DIR}/current_now`]: '0\n',
  [`${USB_DIR}/online`]: '0\n',
  [`${USB_DIR}/scope`]: 'Unknown\n',
  [`${USB_DIR}/type`]: 'USB\n',
  [`${USB_DIR}/usb_type`]: 'C [PD] PD_PPS\n',
  [`${USB_DIR}/voltage_max`]: '20000000\n',
  [`${USB_DIR}/voltage_min`]: '5000000\n',
};

describe('powersupplyclass collector', () => {
  const host = new FixtureHost();
  const empty = new FixtureHost();
  const none = new FixtureHost();
  const broken = new FixtureHost();

  before(() => {
    host.write('sys', SUPPLIES);
    host.link('class/power_supply/AC', `../../${AC_DIR}`);
    host.link('class/power_supply/BAT0', `../../${BAT_DIR}`);
    host.link('class/power_supply/ucsi-source-psy-USBC000:001', `../../${USB_DIR}`);
    empty.dir('class/power_supply');
    broken.write('sys', { 'class/power_supply/BAT1/capacity': 'unknown\n' });
  });

  after(() => {
    for (const h of [host, empty, none, broken]) h.remove();
  });

  it('reports attributes in base units and info labels per supply', async () => {
    assert.equal(stable(await host.scrape('powersupplyclass')), EXPECTED);
  });

  it('an empty class succeeds, a missing one is no data, a bad number fails', async () => {
    const e = await empty.scrape('powersupplyclass');
    assert.ok(e.includes('node_scrape_collector_success{collector="powersupplyclass"} 1\n'));
    assert.ok(!e.includes('node_power_supply_'));
    const n = await none.scrape('powersupplyclass');
    assert.ok(n.includes('node_scrape_collector_success{collector="powersupplyclass"} 0\n'));
    const b = await broken.scrape('powersupplyclass');
    assert.ok(b.includes('node_scrape_collector_success{collector="powersupplyclass"} 0\n'));
    assert.ok(!b.includes('node_power_supply_'));
  });
});

/** node_exporter 1.5.0's exposition of SUPPLIES (checked with `--path.sysfs` on the same tree). */
const EXPECTED = `# HELP node_power_supply_capacity capacity value of /sys/class/power_supply/<power_supply>.
# TYPE node_power_supply_capacity gauge
node_power_supply_capacity{power_supply="BAT0"} 87
# HELP node_power_supply_current_ampere current_ampere value of /sys/class/power_supply/<power_supply>.
# TYPE node_power_supply_current_ampere gauge
node_power_supply_current_ampere{power_supply="ucsi-source-psy-USBC000:001"} 0
# HELP node_power_supply_current_max current_max value of /sys/class/power_supply/<power_supply>.
# TYPE node_power_supply_current_max gauge
node_power_supply_current_max{power_supply="ucsi-source-psy-USBC000:001"} 3
# HELP node_power_supply_cyclecount cyclecount value of /sys/class/power_supply/<power_supply>.
# TYPE node_power_supply_cyclecount gauge
node_power_supply_cyclecount{power_supply="BAT0"} 123
# HELP node_power_supply_energy_full energy_full value of /sys/class/power_supply/<power_supply>.
# TYPE node_power_supply_energy_full gauge
node_power_supply_energy_full{power_supply="BAT0"} 45.02
# HELP node_power_supply_energy_full_design energy_full_design value of /sys/class/power_supply/<power_supply>.
# TYPE node_power_supply_energy_full_design gauge
node_power_supply_energy_full_design{power_supply="BAT0"} 57.02
# HELP node_power_supply_energy_watthour energy_watthour value of /sys/class/power_supply/<power_supply>.
# TYPE node_power_supply_energy_watthour gauge
node_power_supply_energy_watthour{power_supply="BAT0"} 39.17
# HELP node_power_supply_info info of /sys/class/power_supply/<power_supply>.
# TYPE node_power_supply_info gauge
node_power_supply_info{power_supply="AC",type="Mains"} 1
node_power_supply_info{power_supply="ucsi-source-psy-USBC000:001",scope="Unknown",type="USB",usb_type="C [PD] PD_PPS"} 1
node_power_supply_info{capacity_level="Normal",manufacturer="SMP",model_name="5B10W13930",power_supply="BAT0",serial_number="1234",status="Discharging",technology="Li-poly",type="Battery"} 1
# HELP node_power_supply_online online value of /sys/class/power_supply/<power_supply>.
# TYPE node_power_supply_online gauge
node_power_supply_online{power_supply="AC"} 1
node_power_supply_online{power_supply="ucsi-source-psy-USBC000:001"} 0
# HELP node_power_supply_power_watt power_watt value of /sys/class/power_supply/<power_supply>.
# TYPE node_power_supply_power_watt gauge
node_power_supply_power_watt{power_supply="BAT0"} 7.43
# HELP node_power_supply_present present value of /sys/class/power_supply/<power_supply>.
# TYPE node_power_supply_present gauge
node_power_supply_present{power_supply="BAT0"} 1
# HELP node_power_supply_voltage_max voltage_max value of /sys/class/power_supply/<power_supply>.
# TYPE node_power_supply_voltage_max gauge
node_power_supply_voltage_max{power_supply="ucsi-source-psy-USBC000:001"} 20
# HELP node_power_supply_voltage_min voltage_min value of /sys/class/power_supply/<power_supply>.
# TYPE node_power_supply_voltage_min gauge
node_power_supply_voltage_min{power_supply="ucsi-source-psy-USBC000:001"} 5
# HELP node_power_supply_voltage_min_design voltage_min_design value of /sys/class/power_supply/<power_supply>.
# TYPE node_power_supply_voltage_min_design gauge
node_power_supply_voltage_min_design{power_supply="BAT0"} 15.44
# HELP node_power_supply_voltage_volt voltage_volt value of /sys/class/power_supply/<power_supply>.
# TYPE node_power_supply_voltage_volt gauge
node_power_supply_voltage_volt{power_supply="BAT0"} 16.808
# HELP node_scrape_collector_success node_exporter: Whether a collector succeeded.
# TYPE node_scrape_collector_success gauge
node_scrape_collector_success{collector="powersupplyclass"} 1
`;
