import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { Logger } from '../../util/index.js';
import { RemoteHttpClient, RemoteRequestError } from './http.js';
import { defaultRemoteBackendOptions } from './options.js';

describe('RemoteHttpClient', () => {
  it('sends auth and tenant headers and refuses answers beyond read_max_bytes', async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.headers);
      res.end(req.url === '/big' ? Buffer.alloc(64 * 1024, 0x61) : 'ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new RemoteHttpClient({
      ...defaultRemoteBackendOptions('', base, '', Logger.nop()),
      tenant: 't1',
      auth: { kind: 'authorization', type: 'Bearer', credentials: 'tok' },
      readMaxBytes: 1024,
    });
    try {
      assert.equal((await client.request(`${base}/small`)).body.toString(), 'ok');
      const h = seen[0];
      assert.ok(h !== undefined);
      assert.equal(h.authorization, 'Bearer tok');
      assert.equal(h['x-scope-orgid'], 't1');
      await assert.rejects(
        client.request(`${base}/big`),
        (e: unknown) => e instanceof RemoteRequestError && /read_max_bytes/.test(e.message),
      );
      const ac = new AbortController();
      ac.abort(new Error('stop'));
      await assert.rejects(client.request(`${base}/small`, { signal: ac.signal }), /stop/);
    } finally {
      client.close();
      server.closeAllConnections();
      server.close();
    }
  });
});
