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

  it('agent mode needs a config file or a remote-write URL, and has its own flags', async () => {
    const r = await runCli(['agent']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /agent mode needs --config.file or --remote-write.url/);
    const help = await runCli(['agent', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--storage\.agent\.path/);
    const bad = await runCli(['agent', '--storage.tsdb.path=x']);
    assert.equal(bad.code, 2);
  });

  it('runs promtool-style rule unit tests', async () => {
    const r = await runCli(['test', 'rules']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /usage: kansoku test rules/);
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
