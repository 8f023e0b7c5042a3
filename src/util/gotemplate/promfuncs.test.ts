import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Template, prometheusFuncs } from './index.js';

const funcs = prometheusFuncs({
  externalURL: 'https://mon.example.com/kansoku/',
  now: () => 1000,
  query: (q) => [
    { Labels: { instance: 'b', q }, Value: 2 },
    { Labels: { instance: 'a', q }, Value: 1 },
  ],
});
const run = (src: string, data: unknown = {}): string =>
  new Template('t', src, funcs).execute(data);

describe("Prometheus' template functions", () => {
  const cases: [string, string][] = [
    ['{{ humanize 1234567 }}', '1.235M'],
    ['{{ humanize 0.00123 }}', '1.23m'],
    ['{{ humanize 0 }}', '0'],
    ['{{ humanize1024 1048576 }}', '1Mi'],
    ['{{ humanizeDuration 3661 }}', '1h 1m 1s'],
    ['{{ humanizeDuration 90061 }}', '1d 1h 1m 1s'],
    ['{{ humanizeDuration 0.25 }}', '250ms'],
    ['{{ humanizeDuration 5.5 }}', '5.5s'],
    ['{{ humanizePercentage 0.1234 }}', '12.34%'],
    ['{{ humanizeTimestamp 1435065584.128 }}', '2015-06-23 13:19:44.128 +0000 UTC'],
    ['{{ "host.example.com:9100" | stripPort }}', 'host.example.com'],
    ['{{ "host.example.com:9100" | stripDomain }}', 'host:9100'],
    ['{{ "10.0.0.1:9100" | stripDomain }}', '10.0.0.1:9100'],
    ['{{ title "disk full on /var" }}', 'Disk Full On /Var'],
    ['{{ reReplaceAll "(a+)(b)" "${2}$1" "xaab" }}', 'xbaa'],
    ['{{ match "^ab" "abc" }}', 'true'],
    ['{{ graphLink "up == 0" }}', '/kansoku/graph?g0.expr=up+%3D%3D+0&g0.tab=0'],
    ['{{ parseDuration "1h30m" }}', '5400'],
    ['{{ toDuration 3723.5 }}', '1h2m3.5s'],
    ['{{ (query "up" | first | value) }}', '2'],
    ['{{ range query "up" | sortByLabel "instance" }}{{ .Labels.instance }}{{ end }}', 'ab'],
    ['{{ with query "up" }}{{ . | first | label "q" }}{{ end }}', 'up'],
    ['{{ template "x" (args 1 "two") }}{{ define "x" }}{{ .arg0 }}-{{ .arg1 }}{{ end }}', '1-two'],
    [
      '{{ externalURL }} {{ pathPrefix }} {{ now }}',
      'https://mon.example.com/kansoku/ /kansoku 1000',
    ],
  ];
  for (const [src, want] of cases) {
    it(src, () => {
      assert.equal(run(src), want);
    });
  }

  it('expands alert annotations the way Prometheus users write them', () => {
    const data = { Labels: { instance: 'pi-1:9100', mountpoint: '/' }, Value: 0.0421 };
    const src =
      '{{ $labels := .Labels }}{{ $value := .Value }}Disk {{ $labels.mountpoint }} on {{ $labels.instance | stripPort }} has {{ $value | humanizePercentage }} free{{ if lt $value 0.05 }} (critical){{ end }}';
    assert.equal(run(src, data), 'Disk / on pi-1 has 4.21% free (critical)');
  });
});
