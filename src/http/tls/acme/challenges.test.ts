import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type Server } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { ACME_TLS_ALPN, ChallengeResponder } from './challenges.js';
import { createPlaceholder } from './client.js';

/** Connects with `servername` and `protocols`; resolves with the negotiated protocol and leaf. */
async function handshake(
  port: number,
  servername: string,
  protocols: string[],
): Promise<{ alpn: string | false; fingerprint: string }> {
  const sock = connect({
    host: '127.0.0.1',
    port,
    servername,
    ALPNProtocols: protocols,
    rejectUnauthorized: false,
  });
  try {
    await once(sock, 'secureConnect');
    return {
      alpn: sock.alpnProtocol ?? false,
      fingerprint: sock.getPeerCertificate().fingerprint256,
    };
  } finally {
    sock.destroy();
  }
}

function fingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}

describe('ChallengeResponder', () => {
  const r = new ChallengeResponder();
  let server: Server;
  let port = 0;
  let normal = '';
  let challenge = { cert: '', key: '' };

  before(async () => {
    const main = await createPlaceholder('main.test');
    normal = main.cert;
    challenge = await createPlaceholder('alpn.test');
    server = createServer({ cert: main.cert, key: main.key, ...r.handshake }, (s) => {
      s.end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server.close();
  });

  it('answers HTTP-01 tokens while they are pending', () => {
    r.addHttp01('tok', 'tok.thumbprint');
    assert.equal(r.http01('tok'), 'tok.thumbprint');
    assert.equal(r.http01('other'), undefined);
    r.removeHttp01('tok');
    assert.equal(r.http01('tok'), undefined);
    assert.equal(r.pending(), 0);
  });

  it('serves the challenge certificate only to acme-tls/1 validations of its name', async () => {
    r.addTlsAlpn01('ALPN.test', challenge.cert, challenge.key);
    try {
      const v = await handshake(port, 'alpn.test', [ACME_TLS_ALPN]);
      assert.equal(v.alpn, ACME_TLS_ALPN);
      assert.equal(v.fingerprint, fingerprint(challenge.cert));

      // A browser connecting to the same name meanwhile gets the normal certificate.
      const b = await handshake(port, 'alpn.test', ['h2', 'http/1.1']);
      assert.equal(b.alpn, 'http/1.1');
      assert.equal(b.fingerprint, fingerprint(normal));

      const other = await handshake(port, 'other.test', ['http/1.1']);
      assert.equal(other.fingerprint, fingerprint(normal));
    } finally {
      r.removeTlsAlpn01('alpn.test');
    }
    assert.equal(r.pending(), 0);
  });

  it('refuses acme-tls/1 for a name without a pending challenge', async () => {
    await assert.rejects(handshake(port, 'alpn.test', [ACME_TLS_ALPN]));
  });

  it('leaves clients without ALPN alone', async () => {
    const c = await handshake(port, 'main.test', []);
    assert.equal(c.alpn, false);
    assert.equal(c.fingerprint, fingerprint(normal));
  });
});
