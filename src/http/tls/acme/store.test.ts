import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ACME_FILES, AcmeStore, AcmeStoreError } from './store.js';

describe('AcmeStore', () => {
  let tmp: string;
  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'kansoku-acme-store-'));
  });
  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('answers undefined before anything is stored', async () => {
    const s = new AcmeStore(path.join(tmp, 'empty', 'acme'));
    assert.equal(await s.readAccountKey(), undefined);
    assert.equal(await s.readCertificate(), undefined);
  });

  it('stores the account key and the certificate with mode 0600 in a 0700 directory', async () => {
    const dir = path.join(tmp, 'one', 'acme');
    const s = new AcmeStore(dir);
    await s.writeAccountKey('ACCOUNT KEY\n');
    await s.writeCertificate({ cert: 'CHAIN\n', key: 'KEY\n' });
    assert.equal(await s.readAccountKey(), 'ACCOUNT KEY\n');
    assert.deepEqual(await s.readCertificate(), { cert: 'CHAIN\n', key: 'KEY\n' });
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    for (const f of Object.values(ACME_FILES)) {
      assert.equal((await stat(path.join(dir, f))).mode & 0o777, 0o600, f);
    }
    // A new instance (a restart) reads the same files.
    assert.deepEqual(await new AcmeStore(dir).readCertificate(), { cert: 'CHAIN\n', key: 'KEY\n' });
  });

  it('replaces a certificate, tightening a left-over temporary file', async () => {
    const dir = path.join(tmp, 'two');
    const s = new AcmeStore(dir);
    await s.writeCertificate({ cert: 'OLD\n', key: 'OLD KEY\n' });
    await writeFile(path.join(dir, `${ACME_FILES.certificate}.tmp`), 'junk', { mode: 0o644 });
    await s.writeCertificate({ cert: 'NEW\n', key: 'NEW KEY\n' });
    assert.equal(await readFile(path.join(dir, ACME_FILES.certificate), 'utf8'), 'NEW\n');
    assert.equal((await stat(path.join(dir, ACME_FILES.certificate))).mode & 0o777, 0o600);
  });

  it('treats a pair with a missing half as missing', async () => {
    const dir = path.join(tmp, 'three');
    const s = new AcmeStore(dir);
    await s.writeCertificate({ cert: 'C\n', key: 'K\n' });
    await rm(path.join(dir, ACME_FILES.certificateKey));
    assert.equal(await s.readCertificate(), undefined);
  });

  it('names the file it cannot write', async () => {
    const blocker = path.join(tmp, 'blocker');
    await writeFile(blocker, 'a file, not a directory');
    const s = new AcmeStore(path.join(blocker, 'acme'));
    await assert.rejects(s.writeAccountKey('K'), (err: unknown) => {
      assert.ok(err instanceof AcmeStoreError);
      assert.match(err.message, /^cannot write .*account-key\.pem/);
      return true;
    });
  });
});
