import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FixtureHost, stable } from './fixtures.js';

/** A Raspberry Pi 4 policy (cpufreq-dt, all four cores in policy0), as the kernel writes it. */
const PI_POLICY = {
  affected_cpus: '0 1 2 3\n',
  cpuinfo_cur_freq: '600000\n',
  cpuinfo_max_freq: '1800000\n',
  cpuinfo_min_freq: '600000\n',
  cpuinfo_transition_latency: '355000\n',
  related_cpus: '0 1 2 3\n',
  scaling_available_frequencies:
    '600000 700000 800000 900000 1000000 1100000 1200000 1300000 1400000 1500000 1600000 1700000 1800000 \n',
  scaling_available_governors: 'conservative ondemand userspace powersave performance schedutil \n',
  scaling_cur_freq: '1500000\n',
  scaling_driver: 'cpufreq-dt\n',
  scaling_governor: 'ondemand\n',
  scaling_max_freq: '1800000\n',
  scaling_min_freq: '600000\n',
  scaling_setspeed: '<unsupported>\n',
};

function policy(dir: string, files: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(files)) out[`${dir}/${k}`] = v;
  return out;
}

describe('cpufreq collector', () => {
  const pi = new FixtureHost();
  const x86 = new FixtureHost();
  const none = new FixtureHost();
  const broken = new FixtureHost();

  before(() => {
    pi.write('sys', policy('devices/system/cpu/cpufreq/policy0', PI_POLICY));
    pi.write('sys', {
      'devices/system/cpu/cpufreq/policy0/stats/total_trans': '112\n',
      'devices/system/cpu/possible': '0-3\n',
      'devices/system/cpu/isolated': '\n',
      'devices/system/cpu/cpuidle/current_driver': 'psci_idle\n',
    });
    for (let i = 0; i < 4; i++) {
      pi.write('sys', { [`devices/system/cpu/cpu${i}/online`]: '1\n' });
      pi.link(`devices/system/cpu/cpu${i}/cpufreq`, '../cpufreq/policy0');
    }

    // intel_pstate: no cpuinfo_cur_freq; cpu2 offline without a policy.
    const pstate = {
      ...PI_POLICY,
      cpuinfo_max_freq: '4700000\n',
      cpuinfo_min_freq: '800000\n',
      scaling_cur_freq: '3312014\n',
      scaling_driver: 'intel_pstate\n',
      scaling_governor: 'powersave\n',
      scaling_available_governors: 'performance powersave\n',
      scaling_max_freq: '4700000\n',
      scaling_min_freq: '800000\n',
    } as Record<string, string>;
    delete pstate['cpuinfo_cur_freq'];
    delete pstate['scaling_available_frequencies'];
    x86.write('sys', policy('devices/system/cpu/cpu0/cpufreq', pstate));
    x86.write('sys', policy('devices/system/cpu/cpu1/cpufreq', pstate));
    x86.write('sys', { 'devices/system/cpu/cpu2/online': '0\n' });

    none.write('sys', { 'devices/system/cpu/cpu0/online': '1\n' });

    const bad = { ...PI_POLICY } as Record<string, string>;
    delete bad['scaling_governor'];
    broken.write('sys', policy('devices/system/cpu/cpu0/cpufreq', bad));
  });

  after(() => {
    for (const h of [pi, x86, none, broken]) h.remove();
  });

  it('reports a Raspberry Pi 4 in hertz, one series per core', async () => {
    assert.equal(
      stable(await pi.scrape('cpufreq')),
      `# HELP node_cpu_frequency_hertz Current cpu thread frequency in hertz.
# TYPE node_cpu_frequency_hertz gauge
node_cpu_frequency_hertz{cpu="0"} 6e+08
node_cpu_frequency_hertz{cpu="1"} 6e+08
node_cpu_frequency_hertz{cpu="2"} 6e+08
node_cpu_frequency_hertz{cpu="3"} 6e+08
# HELP node_cpu_frequency_max_hertz Maximum cpu thread frequency in hertz.
# TYPE node_cpu_frequency_max_hertz gauge
node_cpu_frequency_max_hertz{cpu="0"} 1.8e+09
node_cpu_frequency_max_hertz{cpu="1"} 1.8e+09
node_cpu_frequency_max_hertz{cpu="2"} 1.8e+09
node_cpu_frequency_max_hertz{cpu="3"} 1.8e+09
# HELP node_cpu_frequency_min_hertz Minimum cpu thread frequency in hertz.
# TYPE node_cpu_frequency_min_hertz gauge
node_cpu_frequency_min_hertz{cpu="0"} 6e+08
node_cpu_frequency_min_hertz{cpu="1"} 6e+08
node_cpu_frequency_min_hertz{cpu="2"} 6e+08
node_cpu_frequency_min_hertz{cpu="3"} 6e+08
# HELP node_cpu_scaling_frequency_hertz Current scaled CPU thread frequency in hertz.
# TYPE node_cpu_scaling_frequency_hertz gauge
node_cpu_scaling_frequency_hertz{cpu="0"} 1.5e+09
node_cpu_scaling_frequency_hertz{cpu="1"} 1.5e+09
node_cpu_scaling_frequency_hertz{cpu="2"} 1.5e+09
node_cpu_scaling_frequency_hertz{cpu="3"} 1.5e+09
# HELP node_cpu_scaling_frequency_max_hertz Maximum scaled CPU thread frequency in hertz.
# TYPE node_cpu_scaling_frequency_max_hertz gauge
node_cpu_scaling_frequency_max_hertz{cpu="0"} 1.8e+09
node_cpu_scaling_frequency_max_hertz{cpu="1"} 1.8e+09
node_cpu_scaling_frequency_max_hertz{cpu="2"} 1.8e+09
node_cpu_scaling_frequency_max_hertz{cpu="3"} 1.8e+09
# HELP node_cpu_scaling_frequency_min_hertz Minimum scaled CPU thread frequency in hertz.
# TYPE node_cpu_scaling_frequency_min_hertz gauge
node_cpu_scaling_frequency_min_hertz{cpu="0"} 6e+08
node_cpu_scaling_frequency_min_hertz{cpu="1"} 6e+08
node_cpu_scaling_frequency_min_hertz{cpu="2"} 6e+08
node_cpu_scaling_frequency_min_hertz{cpu="3"} 6e+08
# HELP node_scrape_collector_success node_exporter: Whether a collector succeeded.
# TYPE node_scrape_collector_success gauge
node_scrape_collector_success{collector="cpufreq"} 1
`,
    );
  });

  it('skips missing files and CPUs without a policy (intel_pstate, offline CPU)', async () => {
    const t = await x86.scrape('cpufreq');
    assert.ok(!t.includes('node_cpu_frequency_hertz'));
    assert.ok(t.includes('node_cpu_scaling_frequency_hertz{cpu="0"} 3.312014e+09\n'));
    assert.ok(t.includes('node_cpu_scaling_frequency_hertz{cpu="1"} 3.312014e+09\n'));
    assert.ok(t.includes('node_cpu_frequency_max_hertz{cpu="1"} 4.7e+09\n'));
    assert.ok(!t.includes('cpu="2"'));
    assert.ok(t.includes('node_scrape_collector_success{collector="cpufreq"} 1\n'));
  });

  it('succeeds with nothing when no CPU has cpufreq, fails on an incomplete policy', async () => {
    const t = stable(await none.scrape('cpufreq'));
    assert.equal(
      t,
      '# HELP node_scrape_collector_success node_exporter: Whether a collector succeeded.\n' +
        '# TYPE node_scrape_collector_success gauge\n' +
        'node_scrape_collector_success{collector="cpufreq"} 1\n',
    );
    const b = await broken.scrape('cpufreq');
    assert.ok(b.includes('node_scrape_collector_success{collector="cpufreq"} 0\n'));
    assert.ok(!b.includes('node_cpu_frequency_hertz'));
  });
});
