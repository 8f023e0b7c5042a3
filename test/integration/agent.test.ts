/**
 * Agent mode end to end: an agent scrapes a target and forwards through its disk-backed queue to
 * a Kansoku server; the server's query API shows the samples.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { Agent } from '../../src/app/agent.js';
import { buildInfo } from '../../src/app/version.js';
import { AGENT_FLAGS, agentFlagsFrom, parseArgv } from '../../src/config/index.js';
import { Logger } from '../../src/util/index.js';
import { waitHTTP } from '../support/process.js';
import { startKansoku, type KansokuProcess } from './server-harness.js';

async function until(cond: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('kansoku agent', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kansoku-agent-'));
  let server: KansokuProcess | undefined;
  let agent: Agent | undefined;
  let target: http.Server | undefined;
  after(async () => {
    await agent?.stop();
    await server?.stop('SIGTERM');
    target?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('scrapes a target and forwards to a Kansoku server with a token', async () => {
    server = await startKansoku(path.join(dir, 'server'));
    await waitHTTP(`${server.base}/-/ready`, 30_000);
    target = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      res.end('# TYPE pi_temperature_celsius gauge\npi_temperature_celsius{sensor="soc"} 48.5\n');
    });
    await new Promise<void>((r) => target!.listen(0, '127.0.0.1', r));
    const targetAddr = `127.0.0.1:${(target.address() as AddressInfo).port}`;
    writeFileSync(path.join(dir, 'token'), 'secret-token\n');
    writeFileSync(
      path.join(dir, 'agent.yml'),
      `global: {scrape_interval: 1s, external_labels: {site: home}}
scrape_configs:
  - job_name: pi
    static_configs: [{targets: ['${targetAddr}']}]
remote_write:
  - url: ${server.base}/api/v1/write
    authorization: {credentials_file: ${path.join(dir, 'token')}}
    queue_config: {batch_send_deadline: 100ms}
`,
    );
    const flags = agentFlagsFrom(
      parseArgv(
        [
          `--config.file=${path.join(dir, 'agent.yml')}`,
          '--web.listen-address=127.0.0.1:0',
          `--storage.agent.path=${path.join(dir, 'agent')}`,
        ],
        AGENT_FLAGS,
      ),
    );
    agent = new Agent(flags, buildInfo(), Logger.nop());
    await agent.start();
    await until(async () => {
      const r = await fetch(`${server!.base}/api/v1/query?query=pi_temperature_celsius`);
      const j = (await r.json()) as {
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      const s = j.data.result[0];
      return (
        s !== undefined &&
        s.value[1] === '48.5' &&
        s.metric['site'] === 'home' &&
        s.metric['job'] === 'pi'
      );
    }, 20_000);
    const metrics = await (await fetch(`http://${agent.address}/metrics`)).text();
    assert.match(
      metrics,
      /^kansoku_remote_write_sent_samples_total\{queue="queue-0-[0-9a-f]+",url="[^"]+"\} [1-9]/m,
    );
    assert.match(metrics, /^# TYPE kansoku_remote_write_retries_total counter$/m);
    assert.match(metrics, /^kansoku_remote_write_pending_samples\{queue="queue-0-[0-9a-f]+"/m);
    assert.match(metrics, /^kansoku_remote_write_oldest_pending_age_seconds\{/m);
    assert.match(metrics, /^kansoku_remote_write_dropped_samples_total\{/m);
    assert.match(metrics, /^kansoku_remote_write_failed_samples_total\{/m);
    const page = await (await fetch(`http://${agent.address}/`)).text();
    assert.match(
      page,
      /<td>queue-0-[0-9a-f]+<\/td><td>http:\/\/127\.0\.0\.1:\d+\/api\/v1\/write<\/td>/,
    );
    // Host metrics in node_exporter's names are served beside the agent's own.
    assert.match(metrics, /^node_cpu_seconds_total\{cpu="0",mode="idle"\} /m);
    assert.match(metrics, /^node_memory_MemTotal_bytes /m);
  });
});

describe('server remote_write', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kansoku-rw-'));
  const servers: KansokuProcess[] = [];
  after(async () => {
    for (const s of servers) await s.stop('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('forwards what one server scrapes to another server', async () => {
    const b = await startKansoku(path.join(dir, 'b'));
    servers.push(b);
    await waitHTTP(`${b.base}/-/ready`, 30_000);
    writeFileSync(
      path.join(dir, 'a.yml'),
      `global: {scrape_interval: 1s, external_labels: {replica: a}}
scrape_configs:
  - job_name: upstream
    static_configs: [{targets: ['${b.base.replace('http://', '')}']}]
remote_write:
  - url: ${b.base}/api/v1/write
    queue_config: {batch_send_deadline: 100ms}
`,
    );
    const a = await startKansoku(path.join(dir, 'a'), [`--config.file=${path.join(dir, 'a.yml')}`]);
    servers.push(a);
    await until(async () => {
      const r = await fetch(
        `${b.base}/api/v1/query?query=${encodeURIComponent('up{job="upstream",replica="a"}')}`,
      );
      const j = (await r.json()) as { data: { result: unknown[] } };
      return j.data.result.length === 1;
    }, 20_000);
  });
});
