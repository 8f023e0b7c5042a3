/**
 * End to end: `kansoku server --web.acme.*` against Debian's `pebble` ACME test server on
 * loopback. Pebble resolves the test domains through `pebble-challtestsrv` (every name is
 * 127.0.0.1) and validates on Kansoku's own listeners: HTTP-01 on the plain-HTTP listener of
 * `--web.redirect-http`, TLS-ALPN-01 on the HTTPS listener. Covered: issuance with both
 * challenges, HTTPS with the issued chain (checked against pebble's root), a restart that
 * reuses the stored certificate, and a renewal that swaps the certificate for new connections
 * while a kept-alive connection goes on working. Pebble issues certificates valid for
 * `VALIDITY_S` seconds so that renewal (at two thirds of the lifetime) comes within the test.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { Agent, request as httpsRequest } from 'node:https';
import { createServer, isIP } from 'node:net';
import path from 'node:path';
import { TLSSocket } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import {
  makeTemp,
  removeTemp,
  runCli,
  startKansoku,
  type KansokuProcess,
} from './server-harness.js';

const PEBBLE = '/usr/bin/pebble';
const CHALLTESTSRV = '/usr/bin/pebble-challtestsrv';

/** Lifetime of pebble's certificates, s: renewal is due after two thirds of it. */
const VALIDITY_S = 21;

const DOMAIN_HTTP = 'http01.kansoku.test';
const DOMAIN_ALPN = 'alpn.kansoku.test';

function missingTools(): string | false {
  if (!existsSync(PEBBLE) || !existsSync(CHALLTESTSRV))
    return 'pebble is not installed (apt-get install pebble)';
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
  } catch {
    return 'openssl CLI not installed';
  }
  return false;
}

/** A free TCP port on 127.0.0.1 (bound, then released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => {
        resolve(port);
      });
    });
  });
}

/** A throwaway CA and a certificate for 127.0.0.1 signed by it, for pebble's own HTTPS. */
function makePebbleCert(dir: string): void {
  const run = (args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  };
  run(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key']);
  run(['req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=pebble test CA', '-out', 'ca.pem']);
  run(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'pebble.key']);
  run(['req', '-new', '-key', 'pebble.key', '-subj', '/CN=127.0.0.1', '-out', 'pebble.csr']);
  execFileSync('sh', ['-c', "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > ext.cnf"], {
    cwd: dir,
  });
  run([
    'x509',
    '-req',
    '-in',
    'pebble.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-set_serial',
    '0x5eb',
    '-days',
    '2',
    '-extfile',
    'ext.cnf',
    '-out',
    'pebble.pem',
  ]);
}

/** A child process whose output is collected, stopped with `kill()`. */
interface Peer {
  readonly child: ChildProcess;
  output(): string;
}

function startPeer(cmd: string, args: string[], env: Record<string, string> = {}): Peer {
  const child = spawn(cmd, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

async function stopPeer(p: Peer | undefined): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise((r) => p.child.once('exit', r));
  p.child.kill('SIGTERM');
  await exited;
}

async function waitUntil(what: string, fn: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
  serial: string;
  reused: boolean;
}

/** GET over HTTPS to 127.0.0.1:`port`, verifying the chain against `ca` for `domain`. */
function get(port: number, domain: string, ca: string, pathname: string, agent: Agent) {
  return new Promise<Answer>((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        path: pathname,
        // SNI carries names only; an address is checked against the certificate's IP entries.
        ...(isIP(domain) === 0 ? { servername: domain } : {}),
        headers: { Host: domain },
        ca,
        agent,
      },
      (res) => {
        const sock = res.socket;
        const serial = sock instanceof TLSSocket ? sock.getPeerCertificate().serialNumber : '';
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            body,
            headers: res.headers,
            serial,
            reused: req.reusedSocket,
          });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The certificate stored under `<data>/acme`. */
async function storedCert(dataDir: string): Promise<X509Certificate> {
  return new X509Certificate(await readFile(path.join(dataDir, 'acme', 'certificate.pem')));
}

function httpsPort(k: KansokuProcess): number {
  return Number(new URL(k.base).port);
}

describe('ACME end to end against pebble', { skip: missingTools(), concurrency: true }, () => {
  let tmp: string;
  let pebble: Peer | undefined;
  let dns: Peer | undefined;
  let root = '';
  let pebbleCa = '';
  let directory = '';
  let httpPort = 0;
  let tlsPort = 0;
  const running: KansokuProcess[] = [];

  const acmeArgs = (domain: string, challenge: string): string[] => [
    `--web.acme.domain=${domain}`,
    `--web.acme.directory-url=${directory}`,
    `--web.acme.ca-file=${path.join(tmp, 'ca.pem')}`,
    `--web.acme.challenge=${challenge}`,
    '--web.acme.email=ops@kansoku.test',
    '--web.acme.accept-tos',
  ];

  const start = async (dataDir: string, args: string[]): Promise<KansokuProcess> => {
    const k = await startKansoku(dataDir, args);
    running.push(k);
    return k;
  };
  const stop = async (k: KansokuProcess): Promise<void> => {
    running.splice(running.indexOf(k), 1);
    await k.stop();
  };

  before(async () => {
    tmp = await makeTemp();
    makePebbleCert(tmp);
    pebbleCa = await readFile(path.join(tmp, 'ca.pem'), 'utf8');
    const [dirPort, mgmtPort, dnsPort, dnsMgmtPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    httpPort = await freePort();
    tlsPort = await freePort();
    await writeFile(
      path.join(tmp, 'pebble.json'),
      JSON.stringify({
        pebble: {
          listenAddress: `127.0.0.1:${dirPort}`,
          managementListenAddress: `127.0.0.1:${mgmtPort}`,
          certificate: path.join(tmp, 'pebble.pem'),
          privateKey: path.join(tmp, 'pebble.key'),
          httpPort,
          tlsPort,
          ocspResponderURL: '',
          externalAccountBindingRequired: false,
          certificateValidityPeriod: VALIDITY_S,
        },
      }),
    );
    dns = startPeer(CHALLTESTSRV, [
      '-dns01',
      `127.0.0.1:${dnsPort}`,
      '-http01',
      '',
      '-https01',
      '',
      '-tlsalpn01',
      '',
      '-management',
      `127.0.0.1:${dnsMgmtPort}`,
      '-defaultIPv4',
      '127.0.0.1',
      '-defaultIPv6',
      '',
    ]);
    pebble = startPeer(
      PEBBLE,
      ['-config', path.join(tmp, 'pebble.json'), '-dnsserver', `127.0.0.1:${dnsPort}`],
      { PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: '0' },
    );
    directory = `https://127.0.0.1:${dirPort}/dir`;
    const mgmt = new Agent({ ca: pebbleCa, keepAlive: false });
    await waitUntil(
      "pebble's root certificate",
      async () => {
        try {
          const r = await get(mgmtPort, '127.0.0.1', pebbleCa, '/roots/0', mgmt);
          if (r.status !== 200) return false;
          root = r.body;
          return true;
        } catch {
          return false;
        }
      },
      10_000,
    );
  });

  after(async () => {
    for (const k of [...running]) await k.stop();
    await stopPeer(pebble);
    await stopPeer(dns);
    await removeTemp(tmp);
  });

  it('issues over HTTP-01, serves it, reuses it after a restart and renews it without dropping a connection', async () => {
    const dataDir = path.join(tmp, 'data-http');
    const args = [...acmeArgs(DOMAIN_HTTP, 'http-01'), `--web.redirect-http=127.0.0.1:${httpPort}`];
    let k = await start(dataDir, args);
    await waitUntil(
      'the HTTP-01 certificate',
      () => Promise.resolve(k.stderr().includes('installed ACME certificate')),
      15_000,
    );
    const fresh = (): Agent => new Agent({ keepAlive: false });
    const first = await get(httpsPort(k), DOMAIN_HTTP, root, '/-/healthy', fresh());
    assert.equal(first.status, 200);
    assert.equal(first.headers['strict-transport-security'], 'max-age=31536000');
    const issued = await storedCert(dataDir);
    assert.equal(first.serial, issued.serialNumber);
    assert.match(
      issued.subjectAltName ?? '',
      new RegExp(`DNS:${DOMAIN_HTTP.replaceAll('.', '\\.')}`),
    );
    for (const f of ['account-key.pem', 'certificate.pem', 'certificate-key.pem']) {
      assert.equal((await stat(path.join(dataDir, 'acme', f))).mode & 0o777, 0o600, f);
    }
    const metrics = await get(httpsPort(k), DOMAIN_HTTP, root, '/metrics', fresh());
    const expiry = /^kansoku_tls_certificate_expiry_timestamp_seconds (\S+)$/m.exec(metrics.body);
    assert.equal(Number(expiry?.[1]) * 1000, Date.parse(issued.validTo));
    assert.match(metrics.body, /^kansoku_acme_orders_total\{result="success"\} 1$/m);
    // Past the challenge path the plain-HTTP listener redirects as before.
    const plain = await fetch(`http://127.0.0.1:${httpPort}/graph?x=1`, { redirect: 'manual' });
    assert.equal(plain.status, 308);
    assert.equal(plain.headers.get('location'), `https://127.0.0.1:${httpsPort(k)}/graph?x=1`);
    const unknown = await fetch(
      `http://127.0.0.1:${httpPort}/.well-known/acme-challenge/not-pending`,
      { redirect: 'manual' },
    );
    assert.equal(unknown.status, 308, 'no answer for a token that is not pending');

    // A restart serves the stored certificate without ordering again.
    await stop(k);
    k = await start(dataDir, args);
    const again = await get(httpsPort(k), DOMAIN_HTTP, root, '/-/healthy', fresh());
    assert.equal(again.serial, issued.serialNumber);
    assert.doesNotMatch(k.stderr(), /ordering ACME certificate/);

    // Renewal at two thirds of the lifetime: new connections get the new certificate, an open
    // keep-alive connection goes on with its handshake.
    const kept = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const before = await get(httpsPort(k), DOMAIN_HTTP, root, '/-/healthy', kept);
      assert.equal(before.serial, issued.serialNumber);
      await waitUntil(
        'the renewal',
        () => Promise.resolve(k.stderr().includes('installed ACME certificate')),
        VALIDITY_S * 1000,
      );
      assert.match(k.stderr(), /ordering ACME certificate.*reason=expiring/);
      const renewed = await storedCert(dataDir);
      assert.notEqual(renewed.serialNumber, issued.serialNumber);
      const next = await get(httpsPort(k), DOMAIN_HTTP, root, '/-/healthy', fresh());
      assert.equal(next.serial, renewed.serialNumber);
      const still = await get(httpsPort(k), DOMAIN_HTTP, root, '/-/healthy', kept);
      assert.equal(still.status, 200);
      assert.equal(still.reused, true, 'the kept-alive connection was reused');
      assert.equal(still.serial, issued.serialNumber, 'the open connection keeps its handshake');
    } finally {
      kept.destroy();
    }
  });

  it('issues over TLS-ALPN-01 on the HTTPS listener', async () => {
    const dataDir = path.join(tmp, 'data-alpn');
    const k = await start(dataDir, [
      ...acmeArgs(DOMAIN_ALPN, 'tls-alpn-01'),
      `--web.listen-address=127.0.0.1:${tlsPort}`,
    ]);
    await waitUntil(
      'the TLS-ALPN-01 certificate',
      () => Promise.resolve(k.stderr().includes('installed ACME certificate')),
      15_000,
    );
    const r = await get(tlsPort, DOMAIN_ALPN, root, '/-/healthy', new Agent({ keepAlive: false }));
    assert.equal(r.status, 200);
    assert.equal(r.serial, (await storedCert(dataDir)).serialNumber);
    await stop(k);
  });

  it('refuses conflicting or incomplete ACME flags', async () => {
    const server = (args: string[]): ReturnType<typeof runCli> =>
      runCli([
        'server',
        '--web.listen-address=127.0.0.1:0',
        `--storage.tsdb.path=${path.join(tmp, 'data-flags')}`,
        ...args,
      ]);
    const both = await server([
      ...acmeArgs(DOMAIN_HTTP, 'tls-alpn-01'),
      `--web.tls-cert-file=${path.join(tmp, 'pebble.pem')}`,
      `--web.tls-key-file=${path.join(tmp, 'pebble.key')}`,
    ]);
    assert.notEqual(both.code, 0);
    assert.match(both.stderr, /--web\.acme\.domain and --web\.tls-cert-file exclude each other/);
    const noRedirect = await server(acmeArgs(DOMAIN_HTTP, 'http-01'));
    assert.notEqual(noRedirect.code, 0);
    assert.match(noRedirect.stderr, /http-01 challenges: give --web\.redirect-http/);
    const noTos = await server(
      acmeArgs(DOMAIN_ALPN, 'tls-alpn-01').filter((a) => a !== '--web.acme.accept-tos'),
    );
    assert.equal(noTos.code, 2);
    assert.match(noTos.stderr, /give --web\.acme\.accept-tos/);
  });
});
