/**
 * End to end: `kansoku server` with `--web.tls-cert-file`/`--web.tls-key-file` serves HTTPS with
 * HSTS, reloads a replaced certificate for new connections while a kept-alive connection goes on
 * working, keeps the old certificate when the replacement is broken, exposes the expiry metric,
 * and redirects plain HTTP from `--web.redirect-http` with 308.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import { rename, writeFile } from 'node:fs/promises';
import { TLSSocket } from 'node:tls';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTemp, removeTemp, startKansoku, type KansokuProcess } from './server-harness.js';

const OPENSSL = findOpenssl();

function findOpenssl(): string | undefined {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return 'openssl';
  } catch {
    return undefined;
  }
}

function openssl(dir: string, args: string[]): void {
  execFileSync(OPENSSL ?? 'openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** Makes a CA (`ca.pem`) and a server certificate `<name>.pem`/`<name>.key` for 127.0.0.1. */
function makeServerCert(dir: string, name: string, serial: string): void {
  openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`]);
  openssl(dir, [
    'req',
    '-new',
    '-key',
    `${name}.key`,
    '-subj',
    `/CN=${name}`,
    '-out',
    `${name}.csr`,
  ]);
  writeExt(dir);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-set_serial',
    serial,
    '-days',
    '30',
    '-extfile',
    'ext.cnf',
    '-out',
    `${name}.pem`,
  ]);
}

function writeExt(dir: string): void {
  execFileSync('sh', [
    '-c',
    `printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > ${JSON.stringify(path.join(dir, 'ext.cnf'))}`,
  ]);
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  serial: string;
  reused: boolean;
}

function get(
  url: string,
  ca: string,
  agent: Agent,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const { method = 'GET', headers = {}, body: payload } = opts;
    const req = httpsRequest(url, { ca, agent, method, headers }, (res) => {
      const sock = res.socket;
      const serial = sock instanceof TLSSocket ? sock.getPeerCertificate().serialNumber : '';
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
          serial,
          reused: req.reusedSocket,
        });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

function plainGet(url: string): Promise<{ status: number; location: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, location: res.headers.location });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitUntil(what: string, fn: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Replaces a file atomically (as certificate tools do). */
async function replace(file: string, content: string): Promise<void> {
  await writeFile(`${file}.tmp`, content);
  await rename(`${file}.tmp`, file);
}

describe('TLS end to end', { skip: OPENSSL ? false : 'openssl CLI not installed' }, () => {
  let tmp: string;
  let k: KansokuProcess;
  let ca: string;
  let base: string;
  let redirectBase: string;
  const read = (name: string): string =>
    execFileSync('cat', [path.join(tmp, name)], { encoding: 'utf8' });

  before(async () => {
    tmp = await makeTemp();
    openssl(tmp, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key']);
    openssl(tmp, [
      'req',
      '-x509',
      '-new',
      '-key',
      'ca.key',
      '-subj',
      '/CN=Kansoku Test CA',
      '-days',
      '30',
      '-out',
      'ca.pem',
    ]);
    makeServerCert(tmp, 'one', '0x1001');
    makeServerCert(tmp, 'two', '0x1002');
    ca = read('ca.pem');
    await writeFile(path.join(tmp, 'server.pem'), read('one.pem') + ca);
    await writeFile(path.join(tmp, 'server.key'), read('one.key'));
    await writeFile(path.join(tmp, 'admin-password'), 'correct horse battery\n');
    k = await startKansoku(path.join(tmp, 'data'), [
      `--web.tls-cert-file=${path.join(tmp, 'server.pem')}`,
      `--web.tls-key-file=${path.join(tmp, 'server.key')}`,
      '--web.redirect-http=127.0.0.1:0',
      '--auth.enabled',
      `--auth.admin-password-file=${path.join(tmp, 'admin-password')}`,
    ]);
    base = k.base.replace('http://', 'https://');
    await waitUntil('the redirect listener', () =>
      Promise.resolve(/redirecting plain HTTP to HTTPS"? address=(\S+)/.test(k.stderr())),
    );
    const m = /redirecting plain HTTP to HTTPS"? address=(\S+)/.exec(k.stderr());
    redirectBase = `http://${m?.[1] ?? ''}`;
  });
  after(async () => {
    await k.stop();
    await removeTemp(tmp);
  });

  it('serves HTTPS with HSTS, reloads without dropping connections, keeps the old pair on a broken one', async () => {
    const kept = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await get(`${base}/-/healthy`, ca, kept);
      assert.equal(first.status, 200);
      assert.equal(first.serial, '1001');
      assert.equal(first.headers['strict-transport-security'], 'max-age=31536000');

      // Over TLS the session cookie is Secure.
      const login = await get(`${base}/api/kansoku/session/login`, ca, kept, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'correct horse battery' }),
      });
      assert.equal(login.status, 200, login.body);
      const setCookie = login.headers['set-cookie'] ?? [];
      const session = [setCookie].flat().find((c) => /HttpOnly/i.test(c));
      assert.ok(session, `a session cookie in ${JSON.stringify(setCookie)}`);
      assert.match(session, /; Secure/);
      const cookie = session.split(';')[0] ?? '';

      const metrics = await get(`${base}/metrics`, ca, new Agent({ keepAlive: false }), {
        headers: { Cookie: cookie },
      });
      assert.equal(metrics.status, 200);
      const expiry = /^kansoku_tls_certificate_expiry_timestamp_seconds (\S+)$/m.exec(metrics.body);
      assert.ok(expiry, 'expiry metric is exposed');
      const expected = Date.parse(
        execFileSync('openssl', ['x509', '-noout', '-enddate', '-in', 'one.pem'], {
          cwd: tmp,
          encoding: 'utf8',
        })
          .trim()
          .replace('notAfter=', ''),
      );
      assert.equal(Number(expiry[1]) * 1000, expected);

      // The self-scrape reaches /metrics over HTTPS.
      await waitUntil('the self-scrape over HTTPS', async () => {
        const q = await get(
          `${base}/api/v1/query?query=${encodeURIComponent('up{job="kansoku"}')}`,
          ca,
          new Agent({ keepAlive: false }),
          { headers: { Cookie: cookie } },
        );
        return q.status === 200 && /"value":\[[^\]]*,"1"\]/.test(q.body);
      });

      // Replace the pair: key first, then the certificate (a mismatch in between is tolerated).
      await replace(path.join(tmp, 'server.key'), read('two.key'));
      await replace(path.join(tmp, 'server.pem'), read('two.pem') + ca);
      await waitUntil('the new certificate on a new connection', async () => {
        const a = await get(`${base}/-/healthy`, ca, new Agent({ keepAlive: false }));
        return a.serial === '1002';
      });

      const again = await get(`${base}/-/healthy`, ca, kept);
      assert.equal(again.status, 200);
      assert.equal(again.reused, true, 'the kept-alive connection was reused');
      assert.equal(again.serial, '1001', 'the open connection keeps its handshake');

      // A broken replacement is logged and the current pair stays.
      await replace(path.join(tmp, 'server.pem'), 'not a certificate\n');
      await waitUntil('the reload error', () =>
        Promise.resolve(k.stderr().includes('cannot reload TLS certificate')),
      );
      const after = await get(`${base}/-/healthy`, ca, new Agent({ keepAlive: false }));
      assert.equal(after.status, 200);
      assert.equal(after.serial, '1002');
    } finally {
      kept.destroy();
    }
  });

  it('redirects plain HTTP with 308 to the same host and path over HTTPS', async () => {
    const port = new URL(base).port;
    const r = await plainGet(`${redirectBase}/api/v1/query?query=up`);
    assert.equal(r.status, 308);
    assert.equal(r.location, `https://127.0.0.1:${port}/api/v1/query?query=up`);
    const h = await plainGet(`${redirectBase}/-/healthy`);
    assert.equal(h.status, 200);
  });
});
