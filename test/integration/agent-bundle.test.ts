/**
 * `kansoku agent` runs from the bundle `npm run build` writes to dist/agent/: it starts, scrapes
 * itself, forwards to a remote-write receiver (snappy compressed in JavaScript) and answers on
 * its web address.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { projectRoot } from '../../src/app/version.js';
import { SnappyBlockDecoder, WriteRequestDecoder } from '../../src/parsers/index.js';
import { Peer, freePort, waitHTTP } from '../support/process.js';

const root = projectRoot();
const bin = path.join(root, 'bin', 'kansoku.js');
const bundle = path.join(root, 'dist', 'agent', 'cli.js');

describe(
  'the bundled agent',
  { skip: existsSync(bundle) ? false : 'no dist/agent (run npm run build)' },
  () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kansoku-agent-bundle-'));
    after(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('prints the agent flags', () => {
      const out = execFileSync(process.execPath, [bin, 'agent', '--help'], { encoding: 'utf8' });
      assert.match(out, /Flags \(agent\)/);
      assert.match(out, /--storage\.agent\.path/);
    });

    it('scrapes itself and forwards snappy-compressed remote write', async () => {
      let samples = 0;
      const names = new Set<string>();
      const unsnappy = new SnappyBlockDecoder();
      const decoder = new WriteRequestDecoder();
      const receiver = http.createServer((req, res) => {
        const parts: Buffer[] = [];
        req.on('data', (c: Buffer) => parts.push(c));
        req.on('end', () => {
          const rows = decoder.decode(unsnappy.decode(Buffer.concat(parts), 1 << 26, 'x'));
          samples += rows.sampleCount;
          for (let i = 0; i < rows.seriesCount; i++) {
            const l = rows.seriesLabels(i);
            const n = l.indexOf('__name__');
            if (n >= 0) names.add(l[n + 1] ?? '');
          }
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
      after(() => receiver.close());
      const port = await freePort();
      const recv = (receiver.address() as AddressInfo).port;
      writeFileSync(
        path.join(dir, 'agent.yml'),
        `global: {scrape_interval: 1s}
scrape_configs:
  - job_name: self
    static_configs: [{targets: ['127.0.0.1:${port}']}]
remote_write:
  - url: http://127.0.0.1:${recv}/api/v1/write
    queue_config: {batch_send_deadline: 200ms}
`,
      );
      const agent = new Peer(process.execPath, [
        bin,
        'agent',
        `--config.file=${path.join(dir, 'agent.yml')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        `--storage.agent.path=${path.join(dir, 'data')}`,
        '--host.metrics=false',
      ]);
      after(() => agent.stop());
      await waitHTTP(`http://127.0.0.1:${port}/-/ready`, 20_000);
      const until = Date.now() + 20_000;
      while (Date.now() < until && !names.has('up')) await new Promise((r) => setTimeout(r, 200));
      assert.ok(names.has('up'), `no up series forwarded; agent output:\n${agent.output}`);
      assert.ok(names.has('process_resident_memory_bytes'));
      assert.ok(samples > 10);
    });
  },
);
