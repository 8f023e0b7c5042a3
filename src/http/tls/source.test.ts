import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Logger } from '../../util/index.js';
import { CertificateError, FileCertificateSource, validatePair } from './source.js';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Writes a self-signed certificate `<name>.pem` and its key `<name>.key` into `dir`. */
function selfSigned(dir: string, name: string, days: number): void {
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
      '-days',
      String(days),
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
    ],
    { cwd: dir, stdio: 'ignore' },
  );
}

describe(
  'FileCertificateSource',
  { skip: hasOpenssl() ? false : 'openssl CLI not installed' },
  () => {
    let dir: string;
    const text = (name: string): Promise<string> => readFile(path.join(dir, name), 'utf8');
    before(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'kansoku-tls-'));
      selfSigned(dir, 'a', 10);
      selfSigned(dir, 'b', 20);
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('validates a pair and reports its expiry', async () => {
      const pair = validatePair(await text('a.pem'), await text('a.key'), 'a');
      const days = (pair.notAfterMs - Date.now()) / 86_400_000;
      assert.ok(days > 9 && days <= 10, `expires in ${days} days`);
    });

    it('rejects a key that does not match and text that is no certificate', async () => {
      const cert = await text('a.pem');
      const other = await text('b.key');
      assert.throws(() => validatePair(cert, other, 'a'), CertificateError);
      assert.throws(() => validatePair('junk', other, 'junk'), /cannot parse certificate junk/);
    });

    it('fails to open missing files naming the flag', async () => {
      await assert.rejects(
        FileCertificateSource.open({
          certFile: path.join(dir, 'missing.pem'),
          keyFile: path.join(dir, 'a.key'),
          logger: Logger.nop(),
        }),
        /--web\.tls-cert-file/,
      );
    });

    it('reloads a changed pair and keeps the current one when the new one is broken', async () => {
      const certFile = path.join(dir, 'live.pem');
      const keyFile = path.join(dir, 'live.key');
      await writeFile(certFile, await text('a.pem'));
      await writeFile(keyFile, await text('a.key'));
      const src = await FileCertificateSource.open({
        certFile,
        keyFile,
        logger: Logger.nop(),
        debounceMs: 60_000,
        pollMs: 60_000,
      });
      try {
        const seen: number[] = [];
        src.onChange((p) => seen.push(p.notAfterMs));
        const first = src.current();
        await writeFile(certFile, await text('b.pem'));
        await src.checkNow();
        assert.equal(src.current(), first, 'a mismatched pair is not taken');
        await writeFile(keyFile, await text('b.key'));
        await src.checkNow();
        assert.notEqual(src.current(), first);
        assert.equal(seen.length, 1);
        assert.ok(src.current().notAfterMs > first.notAfterMs);
        const second = src.current();
        await writeFile(certFile, 'broken\n');
        await src.checkNow();
        assert.equal(src.current(), second);
        assert.equal(seen.length, 1);
      } finally {
        src.close();
      }
    });
  },
);
