import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { clientSettings, closeNotificationConnections, postNotification } from './http.js';

describe('receiver http_config transport settings', () => {
  it('maps tls_config, proxies, redirects and oauth2 from the YAML keys', () => {
    const s = clientSettings({
      tls_config: { ca_file: '/ca.pem', server_name: 'hooks', insecure_skip_verify: true },
      proxy_url: 'http://proxy:3128',
      no_proxy: 'lan',
      follow_redirects: false,
      oauth2: {
        client_id: 'id',
        client_secret_file: '/secret',
        token_url: 'https://auth/token',
        scopes: ['a', 'b'],
        endpoint_params: { audience: 'x' },
      },
    });
    assert.equal(s.tls.caFile, '/ca.pem');
    assert.equal(s.tls.serverName, 'hooks');
    assert.equal(s.tls.insecureSkipVerify, true);
    assert.equal(s.proxyUrl, 'http://proxy:3128');
    assert.equal(s.noProxy, 'lan');
    assert.equal(s.followRedirects, false);
    assert.deepEqual(s.oauth2, {
      clientId: 'id',
      clientSecret: '',
      clientSecretFile: '/secret',
      tokenUrl: 'https://auth/token',
      scopes: ['a', 'b'],
      endpointParams: { audience: 'x' },
    });
    const none = clientSettings(undefined);
    assert.equal(none.followRedirects, true);
    assert.equal(none.proxyUrl, '');
    assert.equal(none.oauth2, undefined);
  });

  describe('delivery through proxy_url', () => {
    let proxy: http.Server | undefined;
    let proxyUrl = '';
    const lines: string[] = [];
    before(async () => {
      proxy = http.createServer((req, res) => {
        lines.push(`${req.method ?? ''} ${req.url ?? ''}`);
        req.resume();
        req.on('end', () => res.end('{"ok":true}'));
      });
      await new Promise<void>((resolve) => proxy?.listen(0, '127.0.0.1', resolve));
      proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    });
    after(() => {
      closeNotificationConnections();
      proxy?.close();
    });

    it('sends the webhook to the proxy with the absolute URL', async () => {
      const text = await postNotification({
        url: 'http://hooks.example.invalid/alert',
        body: '{}',
        httpConfig: { proxy_url: proxyUrl },
        signal: new AbortController().signal,
      });
      assert.equal(text, '{"ok":true}');
      assert.deepEqual(lines, ['POST http://hooks.example.invalid/alert']);
    });

    it('fails for good on a bad URL and retryably on a refused connection', async () => {
      await assert.rejects(
        postNotification({
          url: 'not a url',
          body: '{}',
          httpConfig: undefined,
          signal: new AbortController().signal,
        }),
        (e: Error & { retryable?: boolean }) => /invalid URL/.test(e.message),
      );
      await assert.rejects(
        postNotification({
          url: 'http://127.0.0.1:1/x',
          body: '{}',
          httpConfig: undefined,
          signal: new AbortController().signal,
        }),
        /cannot send notification: .*ECONNREFUSED/,
      );
    });
  });
});
