import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { contentTypeFor, isSafeRelative, serveUI, UiFiles } from './index.js';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** Sends a raw request (the path is not normalised, unlike fetch). */
function request(
  port: number,
  rawPath: string,
  method = 'GET',
  headers: Record<string, string> = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: rawPath, method, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

async function startServer(distDir: string): Promise<{ server: http.Server; port: number }> {
  const files = new UiFiles(distDir);
  const server = http.createServer((req, res) => {
    serveUI(req, res, files).then(
      (handled) => {
        if (!handled) {
          res.writeHead(418);
          res.end('not the UI');
        }
      },
      (e: unknown) => {
        res.writeHead(500);
        res.end(String(e));
      },
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('serveUI', () => {
  let tmp = '';
  let port = 0;
  let server: http.Server | undefined;
  const js = `console.log(${JSON.stringify('x'.repeat(4000))});\n`;

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'kansoku-ui-'));
    const dist = path.join(tmp, 'dist');
    await mkdir(path.join(dist, 'assets'), { recursive: true });
    await writeFile(path.join(dist, 'index.html'), '<!doctype html><title>UI</title>');
    await writeFile(path.join(dist, 'favicon.svg'), '<svg/>');
    await writeFile(path.join(dist, 'assets', 'index-abc123.js'), js);
    await writeFile(path.join(dist, 'assets', 'index-abc123.css'), 'body{}');
    await writeFile(path.join(tmp, 'secret.txt'), 'top secret');
    await symlink(path.join(tmp, 'secret.txt'), path.join(dist, 'assets', 'link.js'));
    ({ server, port } = await startServer(dist));
  });

  after(async () => {
    await new Promise((r) => server?.close(r));
    await rm(tmp, { recursive: true, force: true });
  });

  it('answers client-side routes with index.html, not cached', async () => {
    for (const p of [
      '/',
      '/explore',
      '/explore?q=up&range=1h',
      '/targets',
      '/status',
      '/browse',
      '/dashboards',
      '/dashboards/d/abc?var-x=1',
      '/alerts/silences',
      '/public/tok',
      '/login',
    ]) {
      const r = await request(port, p);
      assert.equal(r.status, 200, p);
      assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
      assert.equal(r.headers['cache-control'], 'no-cache');
      assert.match(r.body.toString(), /<title>UI<\/title>/);
    }
  });

  it('serves hashed assets with content types and immutable caching', async () => {
    const r = await request(port, '/assets/index-abc123.js');
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(r.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.body.toString(), js);
    const css = await request(port, '/assets/index-abc123.css');
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
    const icon = await request(port, '/favicon.svg');
    assert.equal(icon.headers['content-type'], 'image/svg+xml');
  });

  it('gzips text assets for clients that accept it', async () => {
    const r = await request(port, '/assets/index-abc123.js', 'GET', { 'accept-encoding': 'gzip' });
    assert.equal(r.headers['content-encoding'], 'gzip');
    assert.equal(r.headers['vary'], 'Accept-Encoding');
    assert.ok(r.body.length < js.length / 10);
    assert.equal(gunzipSync(r.body).toString(), js);
  });

  it('answers HEAD without a body', async () => {
    const r = await request(port, '/assets/index-abc123.js', 'HEAD');
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-length'], String(js.length));
    assert.equal(r.body.length, 0);
  });

  it('gives 404 for a missing asset', async () => {
    const r = await request(port, '/assets/nope-1234.js');
    assert.equal(r.status, 404);
    assert.match(r.body.toString(), /cannot find \/assets\/nope-1234\.js/);
  });

  it('never serves files outside the build directory', async () => {
    const attacks = [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/..%5c..%5csecret.txt',
      '/%2e%2e/secret.txt',
      '/assets/link.js',
      '/assets/%00.js',
      '//etc/passwd',
      '/assets//etc/passwd',
    ];
    for (const p of attacks) {
      const r = await request(port, p);
      assert.ok(!r.body.toString().includes('top secret'), p);
      assert.ok(r.status === 404 || r.status === 418, `${p}: ${r.status}`);
    }
  });

  it('leaves other paths and methods to the caller', async () => {
    assert.equal((await request(port, '/api/v1/query')).status, 418);
    assert.equal((await request(port, '/index.html')).status, 418);
    assert.equal((await request(port, '/', 'POST')).status, 418);
    assert.equal((await request(port, '/%zz')).status, 418);
  });

  it('explains how to build the UI when it is missing', async () => {
    const s = await startServer(path.join(tmp, 'no-such-dist'));
    try {
      const r = await request(s.port, '/explore');
      assert.equal(r.status, 503);
      assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
      assert.match(r.body.toString(), /web UI is not built/);
      assert.match(r.body.toString(), /npm run build/);
    } finally {
      await new Promise((r) => s.server.close(r));
    }
  });
});

describe('isSafeRelative and contentTypeFor', () => {
  it('accepts only paths that stay inside', () => {
    assert.equal(isSafeRelative('assets/a.js'), true);
    for (const bad of ['', '..', 'a/../..', './a', 'a//b', 'a\\b', 'C:x', 'a\0b', '/etc']) {
      assert.equal(isSafeRelative(bad), false, JSON.stringify(bad));
    }
  });

  it('maps extensions to content types', () => {
    assert.equal(contentTypeFor('x.JS'), 'text/javascript; charset=utf-8');
    assert.equal(contentTypeFor('x.woff2'), 'font/woff2');
    assert.equal(contentTypeFor('noext'), 'application/octet-stream');
  });
});
