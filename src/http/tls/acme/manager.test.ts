import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { Logger } from '../../../util/index.js';
import type { OrderFn, OrderRequest } from './client.js';
import { AcmeCertificateSource, AcmeSetupError, defaultAcmeTiming } from './manager.js';
import { registerAcmeMetrics } from './metrics.js';
import { certificateFacts, renewAtMs } from './renewal.js';
import { AcmeStore, type StoredCertificate } from './store.js';

const DAY = 86_400_000;

/** A self-signed certificate for `names`, valid `days` from now (openssl CLI). */
async function selfSigned(tmp: string, names: string[], days: number): Promise<StoredCertificate> {
  const keyFile = path.join(tmp, `k-${Math.random().toString(36).slice(2)}.pem`);
  const cert = execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-days',
      String(days),
      '-subj',
      `/CN=${names[0] ?? 'x'}`,
      '-addext',
      `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return { cert, key: await readFile(keyFile, 'utf8') };
}

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Log lines kept for assertions. */
function memoryLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = new Logger({
    level: 'debug',
    format: 'logfmt',
    sink: { write: (l: string) => lines.push(l) },
  });
  return { logger, lines };
}

describe(
  'AcmeCertificateSource',
  { skip: hasOpenssl() ? false : 'openssl CLI not installed' },
  () => {
    let tmp: string;
    before(async () => {
      tmp = await mkdtemp(path.join(os.tmpdir(), 'kansoku-acme-source-'));
    });
    after(async () => {
      await rm(tmp, { recursive: true, force: true });
    });

    /** Opens a source on `dir` whose orders are answered by `order`, with a movable clock. */
    async function open(dir: string, order: OrderFn, domains = ['a.test']) {
      const clock = { offsetMs: 0 };
      const registry = new Registry();
      const { logger, lines } = memoryLogger();
      const src = await AcmeCertificateSource.open({
        ...defaultAcmeTiming(),
        domains,
        email: 'ops@a.test',
        directoryUrl: 'https://ca.test/dir',
        challenge: 'http-01',
        caFile: undefined,
        dir,
        logger,
        metrics: registerAcmeMetrics(registry),
        retryMinMs: 10,
        retryMaxMs: 40,
        now: () => Date.now() + clock.offsetMs,
        order,
      });
      const metric = async (result: string): Promise<number> => {
        const m = await registry.getSingleMetric('kansoku_acme_orders_total')?.get();
        return m?.values.find((v) => v.labels['result'] === result)?.value ?? NaN;
      };
      return { src, clock, lines, metric };
    }

    it('orders, stores and swaps in a certificate, then reuses it after a restart', async () => {
      const dir = path.join(tmp, 'first');
      const issued = await selfSigned(tmp, ['a.test'], 90);
      const requests: OrderRequest[] = [];
      const { src, metric } = await open(dir, (req) => {
        requests.push(req);
        return Promise.resolve(issued);
      });
      assert.equal(src.hasIssued(), false, 'a stand-in before the first order');
      const changed: string[] = [];
      src.onChange((p) => changed.push(p.cert));
      assert.equal(await src.checkNow(), true);
      assert.equal(requests.length, 1);
      const req = requests[0];
      assert.ok(req);
      assert.deepEqual(req.domains, ['a.test']);
      assert.equal(req.email, 'ops@a.test');
      assert.match(req.accountKey, /PRIVATE KEY/);
      assert.equal(src.current().cert, issued.cert);
      assert.deepEqual(changed, [issued.cert]);
      assert.equal(await metric('success'), 1);
      assert.deepEqual(await new AcmeStore(dir).readCertificate(), issued);
      const accountKey = await new AcmeStore(dir).readAccountKey();
      src.close();

      // Restart: the stored pair is served and nothing is ordered; the account key is kept.
      let orders = 0;
      const again = await open(dir, () => {
        orders++;
        return Promise.resolve(issued);
      });
      assert.equal(again.src.hasIssued(), true);
      assert.equal(again.src.current().cert, issued.cert);
      assert.equal(await again.src.checkNow(), false);
      assert.equal(orders, 0);
      assert.equal(await new AcmeStore(dir).readAccountKey(), accountKey);
      again.src.close();
    });

    it('renews when a third of the lifetime remains and when the names change', async () => {
      const dir = path.join(tmp, 'renew');
      const old = await selfSigned(tmp, ['a.test'], 90);
      await new AcmeStore(dir).writeCertificate(old);
      const next = await selfSigned(tmp, ['a.test'], 90);
      let orders = 0;
      const { src, clock, lines } = await open(dir, () => {
        orders++;
        return Promise.resolve(next);
      });
      const renewAt = renewAtMs(certificateFacts(old.cert));
      clock.offsetMs = renewAt - Date.now() - DAY;
      assert.equal(await src.checkNow(), false, 'a day before the renewal time');
      clock.offsetMs = renewAt - Date.now() + 1000;
      assert.equal(await src.checkNow(), true, 'just after the renewal time');
      assert.equal(orders, 1);
      assert.equal(src.current().cert, next.cert);
      assert.ok(lines.some((l) => /ordering ACME certificate.*reason=expiring/.test(l)));
      src.close();

      const reasons: string[] = [];
      const m = await open(
        dir,
        (req) => {
          reasons.push(req.domains.join(','));
          return Promise.reject(new Error('stop here'));
        },
        ['a.test', 'b.test'],
      );
      assert.equal(await m.src.checkNow(), false);
      assert.deepEqual(reasons, ['a.test,b.test']);
      assert.ok(m.lines.some((l) => /reason=names-changed/.test(l)));
      m.src.close();
    });

    it('keeps the current certificate on failure, counts it and retries with backoff', async () => {
      const dir = path.join(tmp, 'fail');
      let calls = 0;
      const { src, lines, metric } = await open(dir, () => {
        calls++;
        return Promise.reject(new Error('the CA said no'));
      });
      const before = src.current().cert;
      src.start();
      const end = Date.now() + 2000;
      while (calls < 4 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      src.close();
      const seen = calls;
      assert.ok(seen >= 4, `retried (${seen} orders)`);
      assert.equal(src.current().cert, before);
      assert.equal(src.hasIssued(), false);
      assert.ok((await metric('failure')) >= 4);
      assert.ok(
        lines.some(
          (l) => l.includes('cannot obtain ACME certificate') && l.includes('the CA said no'),
        ),
      );
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(calls, seen, 'no orders after close()');
    });

    it('stops an order in flight on close() without counting a failure', async () => {
      const dir = path.join(tmp, 'stop');
      let seen: AbortSignal | undefined;
      const { src, metric } = await open(
        dir,
        (req) =>
          new Promise((_resolve, reject) => {
            seen = req.signal;
            req.signal.addEventListener('abort', () => {
              reject(new Error('stopped'));
            });
          }),
      );
      const running = src.checkNow();
      const end = Date.now() + 5000;
      while (seen === undefined && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
      src.close();
      assert.equal(await running, false);
      assert.equal(seen?.aborted, true);
      assert.equal(await metric('failure'), 0);
    });

    it('replaces an unusable stored pair and names an unreadable CA file', async () => {
      const dir = path.join(tmp, 'broken');
      const a = await selfSigned(tmp, ['a.test'], 90);
      const b = await selfSigned(tmp, ['a.test'], 90);
      await new AcmeStore(dir).writeCertificate({ cert: a.cert, key: b.key });
      const { src, lines } = await open(dir, () => Promise.resolve(a));
      assert.equal(src.hasIssued(), false);
      assert.ok(lines.some((l) => l.includes('stored ACME certificate is unusable')));
      src.close();

      await assert.rejects(
        AcmeCertificateSource.open({
          ...defaultAcmeTiming(),
          domains: ['a.test'],
          email: undefined,
          directoryUrl: 'https://ca.test/dir',
          challenge: 'tls-alpn-01',
          caFile: path.join(tmp, 'missing-ca.pem'),
          dir,
          logger: Logger.nop(),
          metrics: registerAcmeMetrics(new Registry()),
        }),
        (err: unknown) => err instanceof AcmeSetupError && /--web\.acme\.ca-file/.test(err.message),
      );
    });
  },
);
