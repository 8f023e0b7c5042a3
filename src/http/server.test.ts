import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { Logger } from '../util/index.js';
import { HttpMetrics } from './metrics.js';
import { sendText } from './respond.js';
import { Router } from './router.js';
import { HttpServer, defaultHttpServerOptions } from './server.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until the server is handling `n` requests (the machine may be slow). */
async function untilInFlight(server: HttpServer, n: number): Promise<void> {
  const end = Date.now() + 5000;
  while (server.inFlightRequests() !== n && Date.now() < end) await sleep(5);
  assert.equal(server.inFlightRequests(), n);
}

function slowServer(delayMs: number, registry = new Registry()): HttpServer {
  const router = new Router()
    .get('/slow', async (ctx) => {
      await sleep(delayMs);
      sendText(ctx.res, 200, 'done');
    })
    .get('/boom', () => {
      throw new Error('BUG: broken invariant');
    });
  return new HttpServer(defaultHttpServerOptions(router, Logger.nop(), new HttpMetrics(registry)));
}

describe('HttpServer', () => {
  it('lets in-flight requests finish on close', async () => {
    const server = slowServer(1000);
    const { port } = await server.listen('127.0.0.1', 0);
    const pending = fetch(`http://127.0.0.1:${port}/slow`);
    await untilInFlight(server, 1);
    const closed = server.close(5000);
    const res = await pending;
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'done');
    assert.equal(await closed, true);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/slow`));
  });

  it('gives up on requests that outlast the grace period', async () => {
    const server = slowServer(2000);
    const { port } = await server.listen('127.0.0.1', 0);
    const pending = fetch(`http://127.0.0.1:${port}/slow`).catch((e: unknown) => e);
    await untilInFlight(server, 1);
    const t0 = Date.now();
    assert.equal(await server.close(100), false);
    assert.ok(Date.now() - t0 < 1000);
    assert.ok((await pending) instanceof Error);
  });

  it('maps handler errors to 500 and counts requests by route and code', async () => {
    const registry = new Registry();
    const server = slowServer(0, registry);
    const { port } = await server.listen('127.0.0.1', 0);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/boom`);
      assert.equal(res.status, 500);
      assert.deepEqual(await res.json(), {
        status: 'error',
        errorType: 'internal',
        error: 'BUG: broken invariant',
      });
      const nf = await fetch(`http://127.0.0.1:${port}/nope`);
      assert.equal(nf.status, 404);
      await nf.body?.cancel();
      const text = await registry.metrics();
      assert.match(text, /kansoku_http_requests_total\{handler="\/boom",code="500"\} 1/);
      assert.match(text, /kansoku_http_requests_total\{handler="other",code="404"\} 1/);
      assert.match(text, /kansoku_http_request_duration_seconds_count\{handler="\/boom"\} 1/);
    } finally {
      await server.close(1000);
    }
  });

  it('names the flag when it cannot listen', async () => {
    const a = slowServer(0);
    const { port } = await a.listen('127.0.0.1', 0);
    const b = slowServer(0);
    try {
      await assert.rejects(
        b.listen('127.0.0.1', port),
        /cannot listen on 127\.0\.0\.1:\d+: .*--web\.listen-address/,
      );
    } finally {
      await a.close(100);
    }
  });
});
