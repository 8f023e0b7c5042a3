import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HttpClientPool, bypasses, defaultHttpClientSettings, proxyFor } from './client.js';
import { defaultTransportTLS } from './transport.js';

const OPENSSL = ['/usr/bin/openssl', '/bin/openssl'].find((p) => existsSync(p));

interface Seen {
  method: string;
  url: string;
  body: string;
  auth: string | undefined;
}

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve(String((server.address() as AddressInfo).port));
    });
  });
}

function record(seen: Seen[], req: http.IncomingMessage, then: (body: string) => void): void {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      body,
      auth: req.headers.authorization,
    });
    then(body);
  });
}

describe('HttpClientPool', () => {
  const seen: Seen[] = [];
  const other: Seen[] = [];
  const proxied: Seen[] = [];
  let base = '';
  let otherBase = '';
  let proxyUrl = '';
  const pool = new HttpClientPool();
  const servers: http.Server[] = [];
  const signal = new AbortController().signal;

  before(async () => {
    const otherServer = http.createServer((req, res) => {
      record(other, req, () => res.end('other'));
    });
    servers.push(otherServer);
    otherBase = `http://127.0.0.1:${await listen(otherServer)}`;
    const main = http.createServer((req, res) => {
      record(seen, req, () => {
        const m = /^\/redirect\/(\d+)$/.exec(req.url ?? '');
        if (m) {
          res.writeHead(Number(m[1]), { location: '/target' }).end();
        } else if (req.url === '/away') {
          res.writeHead(307, { location: `${otherBase}/there` }).end();
        } else if (req.url === '/loop') {
          res.writeHead(302, { location: '/loop' }).end();
        } else res.end('ok');
      });
    });
    servers.push(main);
    base = `http://127.0.0.1:${await listen(main)}`;
    const proxy = http.createServer((req, res) => {
      record(proxied, req, () => res.end('via proxy'));
    });
    servers.push(proxy);
    proxyUrl = `http://127.0.0.1:${await listen(proxy)}`;
  });
  after(() => {
    pool.close();
    for (const s of servers) s.close();
  });

  const send = (url: string, extra: Partial<Parameters<typeof pool.send>[1]> = {}) =>
    pool.send(
      { url, body: 'payload', headers: { authorization: 'Bearer secret' }, signal },
      { ...defaultHttpClientSettings(), ...extra },
    );

  it('keeps method and body on 307/308 and switches to GET on 303', async () => {
    for (const code of [307, 308]) {
      seen.length = 0;
      const res = await send(`${base}/redirect/${code}`);
      assert.equal(res.status, 200);
      assert.deepEqual(
        seen.map((s) => [s.method, s.url, s.body]),
        [
          ['POST', `/redirect/${code}`, 'payload'],
          ['POST', '/target', 'payload'],
        ],
      );
    }
    seen.length = 0;
    await send(`${base}/redirect/303`);
    assert.deepEqual(
      seen.map((s) => [s.method, s.body]),
      [
        ['POST', 'payload'],
        ['GET', ''],
      ],
    );
  });

  it('drops credentials on a redirect to another host', async () => {
    other.length = 0;
    const res = await send(`${base}/away`);
    assert.equal(res.body, 'other');
    assert.equal(other.length, 1);
    assert.equal(other[0]!.auth, undefined);
    assert.equal(other[0]!.body, 'payload');
  });

  it('returns the redirect itself with follow_redirects false, and stops loops', async () => {
    const res = await send(`${base}/redirect/302`, { followRedirects: false });
    assert.equal(res.status, 302);
    await assert.rejects(send(`${base}/loop`), /stopped after 10 redirects/);
  });

  it('goes through proxy_url unless no_proxy matches', async () => {
    proxied.length = 0;
    const res = await send(`${base}/x`, { proxyUrl });
    assert.equal(res.body, 'via proxy');
    assert.equal(proxied[0]!.url, `${base}/x`);
    const direct = await send(`${base}/x`, { proxyUrl, noProxy: 'example.com, 127.0.0.0/8' });
    assert.equal(direct.body, 'ok');
    assert.equal(proxied.length, 1);
  });
});

describe('no_proxy and proxy_from_environment', () => {
  it('matches hosts, domain suffixes, IPs, CIDRs and *', () => {
    assert.ok(bypasses('api.example.com', 'example.com'));
    assert.ok(bypasses('api.example.com', '.example.com'));
    assert.ok(!bypasses('badexample.com', 'example.com'));
    assert.ok(bypasses('10.1.2.3', '10.0.0.0/8'));
    assert.ok(!bypasses('11.1.2.3', '10.0.0.0/8'));
    assert.ok(bypasses('[::1]', '::1/128'));
    assert.ok(bypasses('anything', '*'));
    assert.ok(!bypasses('host', ''));
  });

  it('reads HTTP(S)_PROXY and NO_PROXY', () => {
    const saved = { ...process.env };
    try {
      process.env['HTTPS_PROXY'] = 'http://proxy:3128';
      process.env['HTTP_PROXY'] = 'http://plain:3128';
      process.env['NO_PROXY'] = 'internal.lan';
      const s = { ...defaultHttpClientSettings(), proxyFromEnvironment: true };
      assert.equal(proxyFor(new URL('https://hooks.slack.com/x'), s), 'http://proxy:3128');
      assert.equal(proxyFor(new URL('http://ntfy.sh/x'), s), 'http://plain:3128');
      assert.equal(proxyFor(new URL('https://gotify.internal.lan/x'), s), '');
    } finally {
      process.env = saved;
    }
  });
});

describe(
  'HttpClientPool over TLS',
  { skip: OPENSSL === undefined && 'openssl not installed' },
  () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kansoku-client-tls-'));
    const pool = new HttpClientPool();
    let server: https.Server | undefined;
    let url = '';
    const signal = new AbortController().signal;

    before(async () => {
      execFileSync(
        OPENSSL ?? 'openssl',
        [
          ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'],
          ...[
            '-nodes',
            '-days',
            '1',
            '-subj',
            '/CN=sink',
            '-addext',
            'subjectAltName=IP:127.0.0.1',
          ],
          ...['-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')],
        ],
        { stdio: 'ignore' },
      );
      server = https.createServer(
        {
          key: readFileSync(path.join(dir, 'key.pem')),
          cert: readFileSync(path.join(dir, 'cert.pem')),
        },
        (_req, res) => res.end('secure'),
      );
      url = `https://127.0.0.1:${await listen(server)}/hook`;
    });
    after(() => {
      pool.close();
      server?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('verifies against ca_file, refuses an unknown CA, and skips verification when told', async () => {
      const req = { url, body: '{}', headers: {}, signal };
      const withCa = {
        ...defaultHttpClientSettings(),
        tls: { ...defaultTransportTLS(), caFile: path.join(dir, 'cert.pem') },
      };
      assert.equal((await pool.send(req, withCa)).body, 'secure');
      await assert.rejects(
        pool.send(req, defaultHttpClientSettings()),
        /self[- ]signed|certificate/i,
      );
      const insecure = {
        ...defaultHttpClientSettings(),
        tls: { ...defaultTransportTLS(), insecureSkipVerify: true },
      };
      assert.equal((await pool.send(req, insecure)).body, 'secure');
    });
  },
);
