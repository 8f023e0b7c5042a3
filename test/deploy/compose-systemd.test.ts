import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { projectRoot } from './root.js';

const root = projectRoot();

interface ComposeService {
  build?: { context: string; dockerfile: string };
  image: string;
  command: string[];
  volumes: string[];
  secrets?: string[];
}
interface Compose {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
  secrets: Record<string, { file: string }>;
}

/** `key=value` lines of one unit file, repeated keys kept in order. */
function unitEntries(src: string): [string, string][] {
  return src
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('['))
    .map((l) => {
      const i = l.indexOf('=');
      return [l.slice(0, i), l.slice(i + 1)] as [string, string];
    });
}

describe('docker-compose example', () => {
  const compose = parse(
    readFileSync(path.join(root, 'deploy', 'docker-compose.yml'), 'utf8'),
  ) as Compose;

  it('builds the image from the repository Dockerfile and runs server and agent from it', () => {
    const server = compose.services['kansoku'];
    const agent = compose.services['agent'];
    assert.ok(server && agent);
    assert.ok(server.build);
    assert.ok(
      existsSync(path.resolve(root, 'deploy', server.build.context, server.build.dockerfile)),
    );
    assert.equal(agent.image, server.image);
    assert.equal(server.command[0], 'server');
    assert.equal(agent.command[0], 'agent');
  });

  it('keeps both data directories on named volumes and points the agent at the server', () => {
    const server = compose.services['kansoku'];
    const agent = compose.services['agent'];
    assert.ok(server && agent);
    const dataOf = (s: ComposeService, flag: string): string | undefined =>
      s.command.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
    const sPath = dataOf(server, '--storage.tsdb.path');
    const aPath = dataOf(agent, '--storage.agent.path');
    for (const [s, p] of [
      [server, sPath],
      [agent, aPath],
    ] as const) {
      const vol = s.volumes.map((v) => v.split(':')).find((v) => v[1] === p);
      assert.ok(vol?.[0] !== undefined && vol[0] in compose.volumes, `no named volume at ${p}`);
    }
    assert.ok(agent.command.includes('--remote-write.url=http://kansoku:9777/api/v1/write'));
    const tokenFile = dataOf(agent, '--remote-write.token-file');
    assert.equal(tokenFile, '/run/secrets/agent-token');
    assert.ok(agent.secrets?.includes('agent-token') && 'agent-token' in compose.secrets);
  });
});

describe('systemd units', () => {
  const units = [
    { file: 'kansoku.service', state: 'kansoku', flag: '--storage.tsdb.path=/var/lib/kansoku' },
    {
      file: 'kansoku-agent.service',
      state: 'kansoku-agent',
      flag: '--storage.agent.path=/var/lib/kansoku-agent',
    },
  ];
  for (const u of units) {
    it(`${u.file} is sandboxed, keeps data in its StateDirectory and reloads with SIGHUP`, () => {
      const entries = unitEntries(
        readFileSync(path.join(root, 'deploy', 'systemd', u.file), 'utf8'),
      );
      const get = (k: string): string[] => entries.filter(([key]) => key === k).map(([, v]) => v);
      assert.deepEqual(get('DynamicUser'), ['yes']);
      assert.deepEqual(get('StateDirectory'), [u.state]);
      assert.deepEqual(get('ProtectSystem'), ['strict']);
      assert.deepEqual(get('NoNewPrivileges'), ['yes']);
      assert.deepEqual(get('ProtectHome'), ['yes']);
      assert.deepEqual(get('PrivateTmp'), ['yes']);
      assert.deepEqual(get('CapabilityBoundingSet'), ['']);
      assert.deepEqual(get('MemoryDenyWriteExecute'), [], 'V8 needs W+X memory');
      assert.deepEqual(get('ExecReload'), ['/bin/kill -HUP $MAINPID']);
      const exec = get('ExecStart')[0] ?? '';
      assert.ok(exec.includes(u.flag), exec);
    });
  }

  it('systemd-analyze verify accepts both units', (t) => {
    const probe = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
    if (probe.error) {
      t.skip('systemd-analyze not installed: unit files checked statically only');
      return;
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'kansoku-units-'));
    try {
      const files = units.map((u) => {
        // Point the units at this checkout so that verify finds the program it would start.
        const src = readFileSync(path.join(root, 'deploy', 'systemd', u.file), 'utf8');
        const p = path.join(dir, u.file);
        writeFileSync(p, src.replaceAll('/opt/kansoku', root));
        return p;
      });
      const r = spawnSync('systemd-analyze', ['verify', ...files], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr.trim(), '');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
