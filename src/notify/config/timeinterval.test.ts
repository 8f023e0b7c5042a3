import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AlertmanagerConfigError, intervalContains, parseAlertmanagerConfig } from './index.js';

function interval(spec: string): (iso: string) => boolean {
  const cfg = parseAlertmanagerConfig(
    `route: {receiver: r}\nreceivers: [{name: r}]\ntime_intervals:\n- name: t\n  time_intervals:\n${spec}`,
  );
  const ti = cfg.timeIntervals.get('t');
  assert.ok(ti);
  return (iso) => intervalContains(ti, Date.parse(iso));
}

describe('time intervals', () => {
  it('matches weekday and time ranges in UTC', () => {
    const c = interval(
      "  - weekdays: ['monday:friday']\n    times: [{start_time: '09:00', end_time: '17:00'}]\n",
    );
    assert.equal(c('2024-03-04T09:00:00Z'), true); // Monday
    assert.equal(c('2024-03-04T17:00:00Z'), false); // end is exclusive
    assert.equal(c('2024-03-09T10:00:00Z'), false); // Saturday
  });
  it('uses the location', () => {
    const c = interval(
      "  - times: [{start_time: '09:00', end_time: '17:00'}]\n    location: Australia/Sydney\n",
    );
    assert.equal(c('2024-03-04T22:30:00Z'), true); // 09:30 in Sydney (UTC+11)
    assert.equal(c('2024-03-04T09:30:00Z'), false); // 20:30 in Sydney
  });
  it('handles negative days of month, months by name and years', () => {
    const c = interval(
      "  - days_of_month: ['-1']\n    months: ['february']\n    years: ['2024:2025']\n",
    );
    assert.equal(c('2024-02-29T12:00:00Z'), true);
    assert.equal(c('2024-02-28T12:00:00Z'), false);
    assert.equal(c('2023-02-28T12:00:00Z'), false);
  });
  it('rejects bad times and zones', () => {
    assert.throws(
      () => interval("  - times: [{start_time: '9am', end_time: '17:00'}]\n"),
      AlertmanagerConfigError,
    );
    assert.throws(() => interval('  - location: Mars/Olympus\n'), AlertmanagerConfigError);
    assert.throws(() => interval("  - weekdays: ['funday']\n"), AlertmanagerConfigError);
  });
  it('rejects references to unknown intervals', () => {
    assert.throws(
      () =>
        parseAlertmanagerConfig(
          'route: {receiver: r, routes: [{receiver: r, mute_time_intervals: [x]}]}\nreceivers: [{name: r}]\n',
        ),
      /undefined time interval "x" used in route/,
    );
  });
});
