/**
 * One ACME certificate order (RFC 8555) through the `acme-client` library: account, order,
 * challenges answered through a `ChallengeResponder`, finalization and download. The library
 * is loaded on first use, so a server without ACME never loads it.
 */
import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { Logger } from '../../../util/index.js';
import type { ChallengeResponder } from './challenges.js';
import type { StoredCertificate } from './store.js';

/** The challenge types Kansoku answers. */
export type AcmeChallengeType = 'http-01' | 'tls-alpn-01';

/** What one order needs. */
export interface OrderRequest {
  /** The CA's directory URL (https). */
  readonly directoryUrl: string;
  /** The account key (PEM); the account is created or looked up with it. */
  readonly accountKey: string;
  /** Contact address of the account, or undefined for none. */
  readonly email: string | undefined;
  /** The names of the certificate; the first is its common name. */
  readonly domains: readonly string[];
  readonly challenge: AcmeChallengeType;
  /** Extra CA certificates (PEM) trusted for the directory's TLS, besides the system's. */
  readonly caPem: string | undefined;
  readonly responder: ChallengeResponder;
  readonly logger: Logger;
  /** First and longest wait between polls of a pending challenge or order, in ms. */
  readonly pollMinMs: number;
  readonly pollMaxMs: number;
  /** Stops the order between requests (shutdown). */
  readonly signal: AbortSignal;
}

/** Timeout of one request to the CA, ms. */
const REQUEST_TIMEOUT_MS = 30_000;

/** How many polls of a pending challenge or order before giving up. */
const MAX_POLLS = 20;

/** Orders a certificate; the function `AcmeCertificateSource` calls (replaced in tests). */
export type OrderFn = (req: OrderRequest) => Promise<StoredCertificate>;

/** Raised when an order fails; the message names the step and the CA's answer. */
export class AcmeOrderError extends Error {
  override readonly name = 'AcmeOrderError';
}

type AcmeModule = typeof import('acme-client');

let loaded: Promise<AcmeModule> | undefined;

function acmeModule(): Promise<AcmeModule> {
  loaded ??= import('acme-client');
  return loaded;
}

/** A new account key (ECDSA P-256, PEM). */
export async function createAccountKey(): Promise<string> {
  const acme = await acmeModule();
  return (await acme.crypto.createPrivateEcdsaKey('P-256')).toString();
}

/**
 * A self-signed stand-in for `domain`, served until the first certificate is issued (the HTTPS
 * listener needs some certificate to start, and TLS-ALPN-01 needs the listener). It expires
 * at once, so the expiry metric shows that no real certificate is in use.
 */
export async function createPlaceholder(domain: string): Promise<StoredCertificate> {
  const acme = await acmeModule();
  const key = await acme.crypto.createPrivateEcdsaKey('P-256');
  const [, cert] = await acme.crypto.createAlpnCertificate(
    authzFor(domain),
    'kansoku-placeholder',
    key,
  );
  return { cert: cert.toString(), key: key.toString() };
}

/** Runs one order to the end and returns the new chain and its key. Throws `AcmeOrderError`. */
export const orderCertificate: OrderFn = async (req) => {
  const acme = await acmeModule();
  const origin = new URL(req.directoryUrl).origin;
  const agent =
    req.caPem === undefined ? undefined : new Agent({ ca: [...rootCertificates, req.caPem] });
  // The library shares one HTTP client: only requests to this CA get the agent and the timeout,
  // and none is started once the order is stopped.
  const interceptor = acme.axios.interceptors.request.use((config) => {
    if (typeof config.url !== 'string' || !config.url.startsWith(origin)) return config;
    if (req.signal.aborted) throw new AcmeOrderError('the order was stopped');
    if (agent !== undefined) config.httpsAgent = agent;
    config.timeout = REQUEST_TIMEOUT_MS;
    return config;
  });
  let step = 'create the account';
  try {
    const client = new acme.Client({
      directoryUrl: req.directoryUrl,
      accountKey: req.accountKey,
      backoffAttempts: 10,
      backoffMin: req.pollMinMs,
      backoffMax: req.pollMaxMs,
    });
    await client.createAccount({
      termsOfServiceAgreed: true,
      ...(req.email === undefined ? {} : { contact: [`mailto:${req.email}`] }),
    });
    step = 'create the order';
    const order = await client.createOrder({
      identifiers: req.domains.map((value) => ({ type: 'dns', value })),
    });
    step = 'read the authorizations';
    for (const authz of await client.getAuthorizations(order)) {
      if (authz.status === 'valid') continue;
      const domain = authz.identifier.value;
      step = `answer the ${req.challenge} challenge for ${domain}`;
      const challenge = authz.challenges.find((c) => c.type === req.challenge);
      if (challenge === undefined) {
        throw new AcmeOrderError(
          `the CA offers no ${req.challenge} challenge for ${domain} (change --web.acme.challenge)`,
        );
      }
      const keyAuthorization = await client.getChallengeKeyAuthorization(challenge);
      const remove = await install(acme, req, authz, challenge, keyAuthorization);
      try {
        await client.completeChallenge(challenge);
        await poll(req, async () => {
          const now = (await client.getAuthorizations(order)).find(
            (a) => a.identifier.value === domain,
          );
          if (now === undefined) throw new AcmeOrderError('the CA dropped the authorization');
          const failed = now.challenges.find((c) => c.type === req.challenge)?.error;
          return { status: now.status, detail: failed ? JSON.stringify(failed) : '' };
        });
      } finally {
        remove();
      }
      req.logger.info('ACME challenge passed', { domain, challenge: req.challenge });
    }
    step = 'finalize the order';
    const certKey = await acme.crypto.createPrivateEcdsaKey('P-256');
    const [, csr] = await acme.crypto.createCsr(
      { commonName: req.domains[0] ?? '', altNames: [...req.domains] },
      certKey,
    );
    let finalized = await client.finalizeOrder(order, csr);
    await poll(req, async () => {
      finalized = await client.getOrder(finalized);
      return { status: finalized.status, detail: '' };
    });
    step = 'download the certificate';
    const cert = await client.getCertificate(finalized);
    return { cert, key: certKey.toString() };
  } catch (err) {
    if (err instanceof AcmeOrderError) throw err;
    throw new AcmeOrderError(
      `cannot ${step} at ${req.directoryUrl}: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  } finally {
    acme.axios.interceptors.request.eject(interceptor);
    agent?.destroy();
  }
};

/**
 * Polls `read` until it reports `valid`: waits `pollMinMs`, doubling up to `pollMaxMs`, at
 * most `MAX_POLLS` times. Throws on `invalid`, on too many polls and when stopped.
 */
async function poll(
  req: OrderRequest,
  read: () => Promise<{ status: string; detail: string }>,
): Promise<void> {
  let delay = req.pollMinMs;
  for (let i = 0; ; i++) {
    const { status, detail } = await read();
    if (status === 'valid') return;
    if (status === 'invalid')
      throw new AcmeOrderError(`the CA answered invalid${detail === '' ? '' : `: ${detail}`}`);
    if (i + 1 >= MAX_POLLS)
      throw new AcmeOrderError(`still ${status} after ${MAX_POLLS} polls; giving up for now`);
    await sleep(delay, req.signal);
    delay = Math.min(delay * 2, req.pollMaxMs);
  }
}

/** Waits `ms`, or rejects as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new AcmeOrderError('the order was stopped'));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AcmeOrderError('the order was stopped'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Puts the answer to one challenge in place; returns the function that takes it away. */
async function install(
  acme: AcmeModule,
  req: OrderRequest,
  authz: Parameters<AcmeModule['crypto']['createAlpnCertificate']>[0],
  challenge: { type: string; token: string },
  keyAuthorization: string,
): Promise<() => void> {
  const r = req.responder;
  if (req.challenge === 'http-01') {
    r.addHttp01(challenge.token, keyAuthorization);
    return () => {
      r.removeHttp01(challenge.token);
    };
  }
  const domain = authz.identifier.value;
  const key = await acme.crypto.createPrivateEcdsaKey('P-256');
  const [, cert] = await acme.crypto.createAlpnCertificate(authz, keyAuthorization, key);
  r.addTlsAlpn01(domain, cert.toString(), key.toString());
  return () => {
    r.removeTlsAlpn01(domain);
  };
}

/** A minimal authorization naming `domain`, as `createAlpnCertificate` reads it. */
function authzFor(domain: string): Parameters<AcmeModule['crypto']['createAlpnCertificate']>[0] {
  return {
    url: '',
    identifier: { type: 'dns', value: domain },
    status: 'pending',
    expires: '',
    challenges: [],
  };
}
