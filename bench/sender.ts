/**
 * The load sender: posts pre-encoded remote-write bodies over keep-alive connections, one per
 * shard, each shard's bodies in order (so per-series order holds, as in Prometheus' sharded
 * queue), retrying 5xx and 429 with backoff as remote-write senders must.
 */
import http from 'node:http';
import { request } from './http.js';

/** What `sendAll` reports. */
export interface SendResult {
  /** Wall time from the first request to the last response, ms. */
  readonly ms: number;
  /** Requests answered with 2xx. */
  readonly ok: number;
  /** Requests that failed for good (4xx other than 429, or retries exhausted). */
  readonly failed: number;
  /** Retries made. */
  readonly retries: number;
  /** The first failure's status and body, for the report. */
  readonly firstError: string | undefined;
  /** CPU the sending process used meanwhile, seconds. */
  readonly senderCpuSeconds: number;
}

const HEADERS = {
  'Content-Encoding': 'snappy',
  'Content-Type': 'application/x-protobuf',
  'User-Agent': 'kansoku-bench/0.1',
  'X-Prometheus-Remote-Write-Version': '0.1.0',
};

const MAX_RETRIES = 6;

/** Sends every shard's bodies to `url`, one connection per shard; `progress` gets the count done. */
export async function sendAll(
  url: string,
  shards: readonly (readonly Buffer[])[],
  progress?: (done: number) => void,
): Promise<SendResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: shards.length });
  let ok = 0;
  let failed = 0;
  let retries = 0;
  let firstError: string | undefined;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const worker = async (bodies: readonly Buffer[]): Promise<void> => {
    for (const body of bodies) {
      for (let attempt = 0; ; attempt++) {
        let status = 0;
        let text = '';
        try {
          const res = await request(url, 'POST', {
            body,
            headers: HEADERS,
            agent,
            timeoutMs: 120_000,
          });
          status = res.status;
          text = res.body;
        } catch (err) {
          text = err instanceof Error ? err.message : String(err);
        }
        if (status >= 200 && status < 300) {
          ok++;
          break;
        }
        const retryable = status === 0 || status === 429 || status >= 500;
        if (!retryable || attempt >= MAX_RETRIES) {
          failed++;
          firstError ??= `HTTP ${status}: ${text.slice(0, 300)}`;
          break;
        }
        retries++;
        await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
      if ((ok + failed) % 500 === 0) progress?.(ok + failed);
    }
  };
  await Promise.all(shards.map(worker));
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  return { ms, ok, failed, retries, firstError, senderCpuSeconds: (cpu.user + cpu.system) / 1e6 };
}
