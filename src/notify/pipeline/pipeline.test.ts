import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { Alert } from '../alerts/alert.js';
import { Inhibitor } from '../alerts/inhibit.js';
import { AlertStore } from '../alerts/store.js';
import { parseAlertmanagerConfig } from '../config/index.js';
import { Dispatcher } from '../dispatch/dispatcher.js';
import type { GroupContext } from '../dispatch/group.js';
import { buildRouteTree } from '../dispatch/route.js';
import { Silences } from '../silence/silences.js';
import { ManualClock } from '../util/clock.js';
import { NotificationLog } from './nflog.js';
import { NotifyError, buildPipeline, type Integration } from './pipeline.js';

const CONFIG = `
route:
  receiver: team
  group_by: [alertname]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 1h
receivers:
  - name: team
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [cluster]
`;

interface Sent {
  at: number;
  groupKey: string;
  alerts: string[];
}

class FakeIntegration implements Integration {
  readonly receiver = 'team';
  readonly kind = 'webhook';
  readonly index = 0;
  sent: Sent[] = [];
  failures = 0;
  constructor(
    readonly sendResolved: boolean,
    private readonly clock: ManualClock,
  ) {}
  send(ctx: GroupContext, alerts: readonly Alert[]): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      return Promise.reject(new NotifyError('unavailable', true));
    }
    const now = this.clock.now();
    this.sent.push({
      at: now,
      groupKey: ctx.groupKey,
      alerts: alerts.map(
        (a) => `${a.labels.get('instance')}:${a.endsAtMs <= now ? 'resolved' : 'firing'}`,
      ),
    });
    return Promise.resolve();
  }
}

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function setup(sendResolved = true, dir?: string) {
  const clock = new ManualClock(Date.parse('2024-03-04T10:00:00Z'));
  const cfg = parseAlertmanagerConfig(CONFIG);
  const store = new AlertStore({ clock, resolveTimeoutMs: 3_600_000 });
  const silences = new Silences({ clock, retentionMs: 120 * 3_600_000 });
  const nflog = new NotificationLog({
    clock,
    retentionMs: 120 * 3_600_000,
    ...(dir === undefined ? {} : { file: path.join(dir, 'nflog.json') }),
  });
  await nflog.load();
  const integ = new FakeIntegration(sendResolved, clock);
  const flush = buildPipeline({
    clock,
    nflog,
    silences,
    inhibitor: new Inhibitor(cfg.inhibitRules, store),
    timeIntervals: cfg.timeIntervals,
    integrations: new Map([['team', [integ]]]),
  });
  const dispatcher = new Dispatcher({ route: buildRouteTree(cfg), store, clock, flush });
  dispatcher.start();
  const post = (instance: string, extra: Record<string, string> = {}, endsAtMs = 0): void => {
    store.put([{ labels: { alertname: 'Down', instance, ...extra }, endsAtMs }]);
  };
  return { clock, store, silences, integ, dispatcher, post, nflog };
}

describe('notification pipeline', () => {
  it('batches within group_wait, sends new alerts at group_interval, repeats after repeat_interval', async () => {
    const { clock, integ, post, dispatcher } = await setup();
    post('a');
    await clock.advance(10_000);
    post('b');
    await clock.advance(20_000);
    assert.deepEqual(
      integ.sent.map((s) => s.alerts),
      [['a:firing', 'b:firing']],
    );
    assert.equal(integ.sent[0]?.groupKey, '{}:{alertname="Down"}');
    post('c');
    await clock.advance(60_000);
    assert.equal(integ.sent.length, 1);
    await clock.advance(4 * 60_000);
    assert.equal(integ.sent.length, 2);
    assert.deepEqual(integ.sent[1]?.alerts, ['a:firing', 'b:firing', 'c:firing']);
    // Keep the alerts alive; nothing changes, so the next send is the repeat after 1h.
    for (let i = 0; i < 12; i++) {
      for (const x of ['a', 'b', 'c']) post(x);
      await clock.advance(5 * 60_000);
    }
    assert.equal(integ.sent.length, 3);
    const [, second, third] = integ.sent.map((x) => x.at);
    assert.equal(Number(third) - Number(second), 60 * 60_000);
    dispatcher.stop();
  });

  it('sends resolved alerts only with send_resolved', async () => {
    for (const sendResolved of [true, false]) {
      const { clock, integ, post, dispatcher } = await setup(sendResolved);
      post('a');
      post('b');
      await clock.advance(30_000);
      post('a', {}, clock.now());
      await clock.advance(5 * 60_000);
      const want = sendResolved
        ? [
            ['a:firing', 'b:firing'],
            ['a:resolved', 'b:firing'],
          ]
        : [['a:firing', 'b:firing']];
      assert.deepEqual(
        integ.sent.map((s) => s.alerts),
        want,
      );
      dispatcher.stop();
    }
  });

  it('mutes silenced and inhibited alerts', async () => {
    const { clock, integ, post, silences, dispatcher } = await setup();
    await silences.set({
      matchers: [{ name: 'instance', value: 'a', isRegex: false, isEqual: true }],
      startsAtMs: clock.now(),
      endsAtMs: clock.now() + 3_600_000,
      createdBy: 'me',
      comment: 'maintenance',
    });
    post('a');
    post('b', { severity: 'warning', cluster: 'x' });
    post('c', { severity: 'critical', cluster: 'x' });
    post('d', { severity: 'warning', cluster: 'y' });
    await clock.advance(30_000);
    assert.deepEqual(
      integ.sent.map((s) => s.alerts),
      [['c:firing', 'd:firing']],
    );
    dispatcher.stop();
  });

  it('retries with backoff until the send succeeds', async () => {
    const { clock, integ, post, dispatcher } = await setup();
    integ.failures = 3;
    post('a');
    await clock.advance(30_000);
    assert.equal(integ.sent.length, 0);
    await clock.advance(500 + 750 + 1125);
    assert.equal(integ.sent.length, 1);
    dispatcher.stop();
  });

  it('does not repeat a notification after a restart (persisted log)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kansoku-nflog-'));
    dirs.push(dir);
    const first = await setup(true, dir);
    first.post('a');
    await first.clock.advance(30_000);
    assert.equal(first.integ.sent.length, 1);
    first.dispatcher.stop();
    await first.nflog.flush();
    const second = await setup(true, dir);
    await second.clock.advance(60_000);
    second.post('a');
    await second.clock.advance(30_000);
    assert.equal(second.integ.sent.length, 0);
    second.post('b');
    await second.clock.advance(5 * 60_000);
    assert.deepEqual(
      second.integ.sent.map((s) => s.alerts),
      [['a:firing', 'b:firing']],
    );
    second.dispatcher.stop();
    await second.nflog.flush();
  });
});
