/**
 * `HttpServer` over HTTPS with a certificate source other than files (the seam an ACME client
 * uses): HSTS on and off, and a pushed certificate served to new connections only.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TLSSocket } from 'node:tls';
import { Registry } from 'prom-client';
import { Logger } from '../../util/index.js';
import { HttpMetrics } from '../metrics.js';
import { sendText } from '../respond.js';
import { Router } from '../router.js';
import { HttpServer, defaultHttpServerOptions } from '../server.js';
import { validatePair, type CertificatePair, type CertificateSource } from './source.js';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A source whose certificate the test sets, as an ACME client would. */
class PushedSource implements CertificateSource {
  private readonly fns = new Set<(p: CertificatePair) => void>();
  constructor(private pair: CertificatePair) {}
  current(): CertificatePair {
    return this.pair;
  }
  onChange(fn: (p: CertificatePair) => void): () => void {
    this.fns.add(fn);
    return () => this.fns.delete(fn);
  }
  close(): void {
    this.fns.clear();
  }
  push(pair: CertificatePair): void {
    this.pair = pair;
    for (const fn of this.fns) fn(pair);
  }
}

async function selfSigned(dir: string, name: string): Promise<CertificatePair> {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-days',
      '5',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
    ],
    { cwd: dir, stdio: 'ignore' },
  );
  const cert = await readFile(path.join(dir, `${name}.pem`), 'utf8');
  const key = await readFile(path.join(dir, `${name}.key`), 'utf8');
  return validatePair(cert, key, name);
}

function get(
  port: number,
  agent: Agent,
): Promise<{ status: number; hsts: string | undefined; cn: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/x', agent, rejectUnauthorized: false },
      (res) => {
        const sock = res.socket;
        const cn = sock instanceof TLSSocket ? String(sock.getPeerCertificate().subject.CN) : '';
        res.resume();
        res.on('end', () => {
          const h = res.headers['strict-transport-security'];
          resolve({ status: res.statusCode ?? 0, hsts: h, cn });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function server(source: CertificateSource, hsts: boolean): HttpServer {
  const router = new Router().get('/x', (ctx) => {
    sendText(ctx.res, 200, 'ok');
  });
  return new HttpServer({
    ...defaultHttpServerOptions(router, Logger.nop(), new HttpMetrics(new Registry())),
    tls: { source, hsts },
  });
}

describe(
  'HttpServer over HTTPS',
  { skip: hasOpenssl() ? false : 'openssl CLI not installed' },
  () => {
    let dir: string;
    let one: CertificatePair;
    let two: CertificatePair;
    before(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'kansoku-https-'));
      one = await selfSigned(dir, 'one');
      two = await selfSigned(dir, 'two');
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('sends HSTS when asked and serves a pushed certificate to new connections', async () => {
      const source = new PushedSource(one);
      const srv = server(source, true);
      assert.equal(srv.isTls, true);
      const { port } = await srv.listen('127.0.0.1', 0);
      const kept = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const a = await get(port, kept);
        assert.deepEqual(a, { status: 200, hsts: 'max-age=31536000', cn: 'one' });
        source.push(two);
        const fresh = await get(port, new Agent({ keepAlive: false }));
        assert.equal(fresh.cn, 'two');
        const old = await get(port, kept);
        assert.equal(old.cn, 'one');
        assert.equal(old.status, 200);
      } finally {
        kept.destroy();
        await srv.close(1000);
      }
    });

    it('leaves HSTS out when turned off', async () => {
      const srv = server(new PushedSource(one), false);
      const { port } = await srv.listen('127.0.0.1', 0);
      try {
        const a = await get(port, new Agent({ keepAlive: false }));
        assert.equal(a.status, 200);
        assert.equal(a.hsts, undefined);
      } finally {
        await srv.close(1000);
      }
    });
  },
);
