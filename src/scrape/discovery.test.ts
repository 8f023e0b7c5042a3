import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { parsePrometheusConfig, type SDConfig, type TargetGroup } from '../config/index.js';
import { Logger } from '../util/index.js';
import { DNSDiscoverer, HTTPDiscoverer, type DNSResolver } from './discovery.js';

/** The SD configs of the first scrape config of a `prometheus.yml` snippet. */
function sdOf(yaml: string): SDConfig {
  const sd = parsePrometheusConfig(`scrape_configs:\n  - job_name: j\n${yaml}`).scrapeConfigs[0]
    ?.sd[0];
  assert.ok(sd);
  return sd;
}

/** Runs a discoverer until `want` updates arrived (or 5 s), then stops it. */
async function updates(
  d: { run(cb: (g: readonly TargetGroup[]) => void, s: AbortSignal): void },
  want: number,
): Promise<(readonly TargetGroup[])[]> {
  const got: (readonly TargetGroup[])[] = [];
  const ac = new AbortController();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 5000);
    d.run((g) => {
      got.push(g);
      if (got.length >= want) {
        clearTimeout(timer);
        resolve();
      }
    }, ac.signal);
  });
  ac.abort();
  return got;
}

const flat = (groups: readonly TargetGroup[]): [string, Record<string, string>][] =>
  groups.flatMap((g) =>
    g.targets.map((t): [string, Record<string, string>] => [t, g.labels.toRecord()]),
  );

describe('http_sd_configs', () => {
  let server: http.Server;
  let url = '';
  let version = 0;
  before(async () => {
    server = http.createServer((_req, res) => {
      version++;
      const groups =
        version === 1
          ? [{ targets: ['a:9100', 'b:9100'], labels: { env: 'prod' } }]
          : [{ targets: ['c:9100'], labels: {} }];
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(groups));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sd`;
  });
  after(() => {
    server.close();
  });

  it('fetches target groups, adds __meta_url, and follows changes on refresh', async () => {
    const sd = sdOf(`    http_sd_configs:\n      - url: ${url}\n        refresh_interval: 100ms\n`);
    assert.equal(sd.kind, 'http');
    const got = await updates(new HTTPDiscoverer(sd, Logger.nop()), 2);
    assert.deepEqual(flat(got[0]!), [
      ['a:9100', { __meta_url: url, env: 'prod' }],
      ['b:9100', { __meta_url: url, env: 'prod' }],
    ]);
    assert.deepEqual(flat(got[1]!), [['c:9100', { __meta_url: url }]]);
  });
});

describe('dns_sd_configs', () => {
  const resolver: DNSResolver = {
    resolveSrv: (name: string) =>
      Promise.resolve(
        name === '_node._tcp.example.org'
          ? [
              { name: 'n1.example.org', port: 9100, priority: 0, weight: 0 },
              { name: 'n2.example.org', port: 9101, priority: 0, weight: 0 },
            ]
          : [],
      ),
    resolve4: () => Promise.resolve(['10.0.0.1', '10.0.0.2']),
    resolve6: () => Promise.resolve(['fd00::1']),
    resolveMx: () => Promise.resolve([{ exchange: 'mx.example.org', priority: 10 }]),
    resolveNs: () => Promise.resolve(['ns1.example.org']),
  } as unknown as DNSResolver;

  it('turns SRV records into targets with the record meta labels', async () => {
    const sd = sdOf(`    dns_sd_configs:\n      - names: [_node._tcp.example.org]\n`);
    assert.equal(sd.kind, 'dns');
    const [groups] = await updates(new DNSDiscoverer(sd, Logger.nop(), resolver), 1);
    assert.deepEqual(flat(groups!), [
      [
        'n1.example.org:9100',
        {
          __meta_dns_name: '_node._tcp.example.org',
          __meta_dns_srv_record_port: '9100',
          __meta_dns_srv_record_target: 'n1.example.org',
        },
      ],
      [
        'n2.example.org:9101',
        {
          __meta_dns_name: '_node._tcp.example.org',
          __meta_dns_srv_record_port: '9101',
          __meta_dns_srv_record_target: 'n2.example.org',
        },
      ],
    ]);
  });

  it('turns A and AAAA records into targets on the configured port', async () => {
    const a = sdOf(
      `    dns_sd_configs:\n      - names: [hosts.example.org]\n        type: A\n        port: 9100\n`,
    );
    const aaaa = sdOf(
      `    dns_sd_configs:\n      - names: [hosts.example.org]\n        type: AAAA\n        port: 9100\n`,
    );
    assert.ok(a.kind === 'dns' && aaaa.kind === 'dns');
    const [g4] = await updates(new DNSDiscoverer(a, Logger.nop(), resolver), 1);
    assert.deepEqual(
      flat(g4!).map(([t]) => t),
      ['10.0.0.1:9100', '10.0.0.2:9100'],
    );
    const [g6] = await updates(new DNSDiscoverer(aaaa, Logger.nop(), resolver), 1);
    assert.deepEqual(flat(g6!), [['[fd00::1]:9100', { __meta_dns_name: 'hosts.example.org' }]]);
  });
});
