import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { RedirectServer, httpsLocation } from './redirect.js';

function get(
  port: number,
  pathname: string,
  host?: string,
): Promise<{ status: number; location: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: pathname,
        agent: false,
        ...(host ? { headers: { host } } : {}),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, location: res.headers.location, body });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('httpsLocation', () => {
  it('keeps host and path and swaps the port', () => {
    assert.equal(httpsLocation('example.org:80', '/a?b=1', 8443), 'https://example.org:8443/a?b=1');
    assert.equal(httpsLocation('example.org', '/', 443), 'https://example.org/');
    assert.equal(httpsLocation('[::1]:8080', '/x', 9443), 'https://[::1]:9443/x');
  });
  it('refuses missing or malformed hosts', () => {
    assert.equal(httpsLocation(undefined, '/', 443), undefined);
    assert.equal(httpsLocation('evil.org/path', '/', 443), undefined);
    assert.equal(httpsLocation('a b', '/', 443), undefined);
  });
  it('never redirects to another host through an absolute request target', () => {
    assert.equal(httpsLocation('good.org', 'http://evil.org/', 443), 'https://good.org/');
  });
});

describe('RedirectServer', () => {
  it('answers 308 to https and health checks directly', async () => {
    const srv = new RedirectServer(8443);
    const addr = await srv.listen('127.0.0.1', 0);
    try {
      const r = await get(addr.port, '/graph?g0.expr=up', 'kansoku.example:80');
      assert.equal(r.status, 308);
      assert.equal(r.location, 'https://kansoku.example:8443/graph?g0.expr=up');
      const h = await get(addr.port, '/-/healthy');
      assert.equal(h.status, 200);
      assert.match(h.body, /Healthy/);
      const bad = await get(addr.port, '/', 'bad host');
      assert.equal(bad.status, 400);
    } finally {
      await srv.close();
    }
  });

  it('answers known ACME HTTP-01 tokens and redirects the rest', async () => {
    const srv = new RedirectServer(443, (token) => (token === 'abc' ? 'abc.thumb' : undefined));
    const addr = await srv.listen('127.0.0.1', 0);
    try {
      const ok = await get(addr.port, '/.well-known/acme-challenge/abc', 'kansoku.example');
      assert.equal(ok.status, 200);
      assert.equal(ok.body, 'abc.thumb');
      const other = await get(addr.port, '/.well-known/acme-challenge/zzz', 'kansoku.example');
      assert.equal(other.status, 308);
      assert.equal(other.location, 'https://kansoku.example/.well-known/acme-challenge/zzz');
    } finally {
      await srv.close();
    }
  });
});
