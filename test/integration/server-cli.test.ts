/** End to end: the command line of `bin/kansoku.js` (help, version, usage errors, agent). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from './server-harness.js';

describe('kansoku command line', () => {
  it('prints the flags with defaults on --help', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /usage: kansoku/);
    assert.match(r.stdout, /--web\.listen-address=ADDRESS .*\(default: 127\.0\.0\.1:9777\)/);
    assert.match(r.stdout, /--storage\.tsdb\.path=DIR .*\(default: \.\/data\)/);
    const s = await runCli(['server', '--help']);
    assert.equal(s.code, 0);
    assert.equal(s.stdout, r.stdout);
  });

  it('prints the version', async () => {
    const r = await runCli(['--version']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^kansoku, version \d+\.\d+\.\d+/);
  });

  it('exits 2 on an unknown flag, naming it', async () => {
    const r = await runCli(['server', '--no-such-flag=1']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown long flag '--no-such-flag'/);
  });

  it('exits 2 on a bad value, naming the flag', async () => {
    const r = await runCli(['--storage.tsdb.retention.time=forever']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /invalid value "forever" for flag '--storage\.tsdb\.retention\.time'/);
  });

  it('exits 2 on an unknown command', async () => {
    const r = await runCli(['serve']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /expected command but got "serve"/);
  });

  it('says agent mode is not available yet and exits non-zero', async () => {
    const r = await runCli(['agent']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /agent mode is not available yet/);
  });

  it('exits 1 when the configuration file cannot be loaded', async () => {
    const r = await runCli(['--config.file=/nonexistent/kansoku.yml']);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /cannot load configuration file \/nonexistent\/kansoku\.yml \(--config\.file\)/,
    );
  });

  it('exits 1 when the listen address is taken', async () => {
    const net = await import('node:net');
    const srv = net.createServer();
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    const port = (srv.address() as { port: number }).port;
    try {
      const r = await runCli([
        `--web.listen-address=127.0.0.1:${port}`,
        '--storage.tsdb.path=/nonexistent-unused',
      ]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /cannot listen on 127\.0\.0\.1:\d+: .*change --web\.listen-address/);
    } finally {
      srv.close();
    }
  });
});
