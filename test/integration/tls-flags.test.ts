/** End to end: `kansoku server` refuses incomplete or unusable TLS settings with a clear message. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTemp, removeTemp, runCli } from './server-harness.js';

describe('TLS flags', () => {
  let tmp: string;
  before(async () => {
    tmp = await makeTemp();
  });
  after(async () => {
    await removeTemp(tmp);
  });
  const server = (args: string[]): ReturnType<typeof runCli> =>
    runCli([
      'server',
      '--web.listen-address=127.0.0.1:0',
      `--storage.tsdb.path=${path.join(tmp, 'data')}`,
      ...args,
    ]);

  it('needs both the certificate and the key', async () => {
    const r = await server([`--web.tls-cert-file=${path.join(tmp, 'c.pem')}`]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /--web\.tls-key-file is missing/);
  });

  it('needs TLS for --web.redirect-http', async () => {
    const r = await server(['--web.redirect-http=127.0.0.1:0']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /--web\.redirect-http needs --web\.tls-cert-file/);
  });

  it('does not start with an unreadable certificate', async () => {
    const r = await server([
      `--web.tls-cert-file=${path.join(tmp, 'missing.pem')}`,
      `--web.tls-key-file=${path.join(tmp, 'missing.key')}`,
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot read certificate file/);
  });
});
