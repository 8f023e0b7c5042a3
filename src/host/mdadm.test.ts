import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FixtureHost, stable } from './fixtures.js';
import { formatValue } from './family.js';
import { parseMdstat } from './mdadm.js';

/**
 * `/proc/mdstat` of a home server: a RAID1 resyncing with a bitmap, a RAID5 with a failed and a
 * spare disk, a degraded RAID1 recovering, a RAID0, an inactive array and a delayed resync.
 */
const MDSTAT = `Personalities : [raid1] [raid6] [raid5] [raid4] [raid0] [linear] [multipath] [raid10]
md127 : active raid1 sdb1[1] sda1[0]
      1953381440 blocks super 1.2 [2/2] [UU]
      [==>..................]  resync = 12.6% (246720000/1953381440) finish=141.1min speed=201544K/sec
      bitmap: 13/15 pages [52KB], 65536KB chunk

md0 : active raid5 sdf1[4] sde1[2] sdd1[1] sdc1[0](F) sdg1[3](S)
      5860147200 blocks super 1.2 level 5, 512k chunk, algorithm 2 [4/3] [_UUU]
      bitmap: 2/15 pages [8KB], 65536KB chunk

md1 : active raid1 sdi1[2] sdh1[0]
      976630464 blocks super 1.2 [2/1] [U_]
      [=====>...............]  recovery = 27.3% (266676736/976630464) finish=58.7min speed=201280K/sec

md2 : active raid0 sdk1[1] sdj1[0]
      3906762752 blocks super 1.2 512k chunks

md3 : inactive sdl1[0](S)
      976630488 blocks super 1.2

md4 : active raid1 sdn1[1] sdm1[0]
      104792064 blocks super 1.2 [2/2] [UU]
      	resync=DELAYED

unused devices: <none>
`;

describe('mdadm collector', () => {
  const host = new FixtureHost();
  const none = new FixtureHost();
  const empty = new FixtureHost();
  const broken = new FixtureHost();

  before(() => {
    host.write('proc', { mdstat: MDSTAT });
    empty.write('proc', {
      mdstat: 'Personalities : \nunused devices: <none>\n',
    });
    broken.write('proc', {
      mdstat:
        'Personalities : [raid1]\nmd0 : active raid1 sdb1[1] sda1[0]\n      1024 blocks super 1.2 [2/2] [UU]\n      [>....]  resync =  0.1% (1/1024)\n\nunused devices: <none>\n',
    });
  });

  after(() => {
    for (const h of [host, none, empty, broken]) h.remove();
  });

  it('reports disks, states and sync progress per array', async () => {
    const t = stable(await host.scrape('mdadm'));
    const md = (d: string, b: number, s: number, req: number, disks: number[]): string[] => [
      `node_md_blocks{device="${d}"} ${formatValue(b)}`,
      `node_md_blocks_synced{device="${d}"} ${formatValue(s)}`,
      `node_md_disks{device="${d}",state="active"} ${disks[0]}`,
      `node_md_disks{device="${d}",state="failed"} ${disks[1]}`,
      `node_md_disks{device="${d}",state="spare"} ${disks[2]}`,
      `node_md_disks_required{device="${d}"} ${req}`,
    ];
    const expected = [
      ...md('md127', 1.95338144e9, 2.4672e8, 2, [2, 0, 0]),
      ...md('md0', 5.8601472e9, 5.8601472e9, 4, [3, 1, 1]),
      ...md('md1', 9.76630464e8, 2.66676736e8, 2, [1, 0, 0]),
      ...md('md2', 3.906762752e9, 3.906762752e9, 2, [2, 0, 0]),
      ...md('md3', 9.76630488e8, 9.76630488e8, 0, [0, 0, 1]),
      ...md('md4', 1.04792064e8, 0, 2, [2, 0, 0]),
    ];
    for (const l of expected) assert.ok(t.includes(`${l}\n`), `missing ${l}\n${t}`);
    const state = t.split('\n').filter((l) => l.startsWith('node_md_state{') && l.endsWith(' 1'));
    assert.deepEqual(state, [
      'node_md_state{device="md0",state="active"} 1',
      'node_md_state{device="md1",state="recovering"} 1',
      'node_md_state{device="md127",state="resync"} 1',
      'node_md_state{device="md2",state="active"} 1',
      'node_md_state{device="md3",state="inactive"} 1',
      'node_md_state{device="md4",state="resync"} 1',
    ]);
    assert.equal(t.split('\n').filter((l) => l.startsWith('node_md_state{')).length, 30);
    assert.ok(
      t.includes(
        '# HELP node_md_state Indicates the state of md-device.\n# TYPE node_md_state gauge\n' +
          'node_md_state{device="md0",state="active"} 1\n' +
          'node_md_state{device="md0",state="check"} 0\n' +
          'node_md_state{device="md0",state="inactive"} 0\n' +
          'node_md_state{device="md0",state="recovering"} 0\n' +
          'node_md_state{device="md0",state="resync"} 0\n',
      ),
    );
    for (const [name, help] of [
      ['node_md_blocks', 'Total number of blocks on device.'],
      ['node_md_blocks_synced', 'Number of blocks synced on device.'],
      ['node_md_disks', 'Number of active/failed/spare disks of device.'],
      ['node_md_disks_required', 'Total number of disks of device.'],
    ] as const) {
      assert.ok(t.includes(`# HELP ${name} ${help}\n# TYPE ${name} gauge\n`), name);
    }
    assert.ok(t.includes('node_md_blocks{device="md127"} 1.95338144e+09\n'));
    assert.ok(t.includes('node_md_blocks_synced{device="md127"} 2.4672e+08\n'));
    assert.ok(t.includes('node_scrape_collector_success{collector="mdadm"} 1\n'));
  });

  it('parses a check in progress', () => {
    const [md] = parseMdstat(
      'Personalities : [raid1]\nmd0 : active raid1 sdb1[1] sda1[0]\n      1024 blocks super 1.2 [2/2] [UU]\n      [====>................]  check = 25.0% (256/1024) finish=0.1min speed=512K/sec\n\nunused devices: <none>\n',
    );
    assert.deepEqual(md, {
      name: 'md0',
      state: 'checking',
      disksActive: 2,
      disksTotal: 2,
      disksFailed: 0,
      disksSpare: 0,
      blocksTotal: 1024,
      blocksSynced: 256,
    });
  });

  it('no /proc/mdstat is no data; no arrays is success; a bad sync line fails', async () => {
    const n = await none.scrape('mdadm');
    assert.ok(n.includes('node_scrape_collector_success{collector="mdadm"} 0\n'));
    assert.equal(
      stable(await empty.scrape('mdadm')),
      '# HELP node_scrape_collector_success node_exporter: Whether a collector succeeded.\n' +
        '# TYPE node_scrape_collector_success gauge\n' +
        'node_scrape_collector_success{collector="mdadm"} 1\n',
    );
    const b = await broken.scrape('mdadm');
    assert.ok(b.includes('node_scrape_collector_success{collector="mdadm"} 0\n'));
    assert.ok(!b.includes('node_md_'));
  });
});
