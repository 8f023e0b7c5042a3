import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlagError, formatFlagHelp, parseArgv, type FlagSpec } from './flags.js';
import { SERVER_FLAGS, isLoopbackHost, serverFlagsFrom, splitHostPort } from './server-flags.js';

const specs: FlagSpec[] = [
  { name: 'a.str', kind: 'string', help: 'A string.', default: 'x' },
  { name: 'a.bool', kind: 'bool', help: 'A bool.' },
  { name: 'a.dur', kind: 'duration', help: 'A duration.', default: '5m' },
  { name: 'a.size', kind: 'bytes', help: 'A size.' },
  { name: 'a.int', kind: 'int', help: 'An int.' },
  { name: 'a.enum', kind: 'enum', help: 'An enum.', choices: ['x', 'y'] },
];

function flagErr(argv: string[], re: RegExp, flag: string): void {
  assert.throws(
    () => parseArgv(argv, specs),
    (e: unknown) => e instanceof FlagError && re.test(e.message) && e.flag === flag,
  );
}

describe('parseArgv', () => {
  it('accepts --flag=value and --flag value', () => {
    const p = parseArgv(['--a.str=v1', '--a.dur', '1h', 'server'], specs);
    assert.equal(p.given.get('a.str'), 'v1');
    assert.equal(p.given.get('a.dur'), '1h');
    assert.deepEqual(p.positionals, ['server']);
  });

  it('accepts booleans as --flag, --no-flag and --flag=false', () => {
    assert.equal(parseArgv(['--a.bool'], specs).given.get('a.bool'), 'true');
    assert.equal(parseArgv(['--no-a.bool'], specs).given.get('a.bool'), 'false');
    assert.equal(parseArgv(['--a.bool=false'], specs).given.get('a.bool'), 'false');
  });

  it('keeps an empty value given with =', () => {
    assert.equal(parseArgv(['--a.str='], specs).given.get('a.str'), '');
  });

  it('recognises help and version anywhere', () => {
    const p = parseArgv(['server', '--help'], specs);
    assert.equal(p.help, true);
    assert.equal(parseArgv(['-h'], specs).help, true);
    assert.equal(parseArgv(['--version'], specs).version, true);
  });

  it('treats everything after -- as positional', () => {
    assert.deepEqual(parseArgv(['--', '--a.bool'], specs).positionals, ['--a.bool']);
  });

  it('rejects unknown flags, naming them', () => {
    flagErr(['--nope=1'], /unknown long flag '--nope'/, '--nope');
    flagErr(['-x'], /unknown short flag '-x'/, '-x');
    flagErr(['--no-a.str'], /unknown long flag '--no-a.str'/, '--no-a.str');
  });

  it('rejects a missing value', () => {
    flagErr(['--a.dur'], /expected argument for flag '--a.dur'/, '--a.dur');
  });

  it('rejects values that do not fit the kind, naming the flag', () => {
    flagErr(['--a.dur=5x'], /invalid value "5x" for flag '--a.dur'/, '--a.dur');
    flagErr(['--a.size=12'], /invalid value "12" for flag '--a.size'/, '--a.size');
    flagErr(
      ['--a.int=1.5'],
      /invalid value "1.5" for flag '--a.int': expected an integer/,
      '--a.int',
    );
    flagErr(['--a.enum=z'], /expected one of x, y/, '--a.enum');
    flagErr(['--a.bool=yes'], /expected true or false/, '--a.bool');
  });
});

describe('formatFlagHelp', () => {
  it('lists every flag with its default', () => {
    const text = formatFlagHelp(SERVER_FLAGS);
    for (const s of SERVER_FLAGS) assert.match(text, new RegExp(s.name.replaceAll('.', '\\.')));
    assert.match(
      text,
      /--web\.listen-address=ADDRESS\s+Address to listen on.*\(default: 127\.0\.0\.1:9777\)/,
    );
    assert.match(text, /--\[no-\]web\.enable-admin-api/);
    assert.match(text, /\(default: 15d\)/);
  });
});

describe('serverFlagsFrom', () => {
  it('applies the defaults', () => {
    const f = serverFlagsFrom(parseArgv([], SERVER_FLAGS));
    assert.equal(f.configFile, undefined);
    assert.equal(f.listenAddress, '127.0.0.1:9777');
    assert.equal(f.tsdbPath, './data');
    assert.equal(f.retentionTimeMs, 15 * 24 * 3600 * 1000);
    assert.equal(f.retentionSizeBytes, 0);
    assert.equal(f.enableAdminApi, true);
    assert.equal(f.walFsync, 'never');
    assert.equal(f.logLevel, 'info');
    assert.equal(f.logFormat, 'logfmt');
    assert.equal(f.lookbackDeltaMs, 300_000);
    assert.equal(f.queryTimeoutMs, 120_000);
    assert.equal(f.queryMaxSamples, 10_000_000);
    assert.equal(f.queryMaxConcurrency, 20);
    assert.equal(f.remoteWriteMaxBytes, 64 * 1024 ** 2);
    assert.equal(f.asText['storage.tsdb.retention.time'], '15d');
    assert.equal(f.ingestMaxLabelNames, 64);
    assert.equal(f.ingestMaxLabelNameLength, 256);
    assert.equal(f.ingestMaxLabelValueLength, 4096);
  });

  it('converts given values', () => {
    const f = serverFlagsFrom(
      parseArgv(
        [
          '--config.file=k.yml',
          '--storage.tsdb.retention.size=512MB',
          '--storage.tsdb.retention.time',
          '1d',
          '--log.format=json',
          '--storage.tsdb.wal-fsync=commit',
        ],
        SERVER_FLAGS,
      ),
    );
    assert.equal(f.configFile, 'k.yml');
    assert.equal(f.retentionSizeBytes, 512 * 1024 * 1024);
    assert.equal(f.retentionTimeMs, 86_400_000);
    assert.equal(f.logFormat, 'json');
    assert.equal(f.walFsync, 'commit');
  });

  it('turns the admin API off by default on non-loopback addresses', () => {
    assert.equal(
      serverFlagsFrom(parseArgv(['--web.listen-address=0.0.0.0:9777'], SERVER_FLAGS))
        .enableAdminApi,
      false,
    );
    assert.equal(
      serverFlagsFrom(
        parseArgv(['--web.listen-address=0.0.0.0:9777', '--web.enable-admin-api'], SERVER_FLAGS),
      ).enableAdminApi,
      true,
    );
    assert.equal(
      serverFlagsFrom(parseArgv(['--no-web.enable-admin-api'], SERVER_FLAGS)).enableAdminApi,
      false,
    );
  });

  it('rejects negative limits', () => {
    assert.throws(
      () => serverFlagsFrom(parseArgv(['--ingest.max-label-names=-1'], SERVER_FLAGS)),
      (e: unknown) => e instanceof FlagError && e.flag === '--ingest.max-label-names',
    );
  });

  it('rejects zero where a positive value is required', () => {
    assert.throws(
      () => serverFlagsFrom(parseArgv(['--query.timeout=0s'], SERVER_FLAGS)),
      (e: unknown) => e instanceof FlagError && e.flag === '--query.timeout',
    );
    assert.throws(
      () => serverFlagsFrom(parseArgv(['--query.max-concurrency=0'], SERVER_FLAGS)),
      (e: unknown) => e instanceof FlagError && e.flag === '--query.max-concurrency',
    );
  });

  it('rejects a listen address without a port', () => {
    assert.throws(
      () => serverFlagsFrom(parseArgv(['--web.listen-address=localhost'], SERVER_FLAGS)),
      (e: unknown) => e instanceof FlagError && e.flag === '--web.listen-address',
    );
  });
});

describe('splitHostPort and isLoopbackHost', () => {
  it('splits addresses', () => {
    assert.deepEqual(splitHostPort('127.0.0.1:9777'), { host: '127.0.0.1', port: 9777 });
    assert.deepEqual(splitHostPort('[::1]:80'), { host: '::1', port: 80 });
    assert.deepEqual(splitHostPort(':9090'), { host: '', port: 9090 });
    assert.throws(() => splitHostPort('host:99999'), FlagError);
  });
  it('knows loopback hosts', () => {
    assert.equal(isLoopbackHost('127.0.0.1'), true);
    assert.equal(isLoopbackHost('127.1.2.3'), true);
    assert.equal(isLoopbackHost('localhost'), true);
    assert.equal(isLoopbackHost('::1'), true);
    assert.equal(isLoopbackHost(''), false);
    assert.equal(isLoopbackHost('0.0.0.0'), false);
    assert.equal(isLoopbackHost('192.168.1.1'), false);
  });
});
