/** Minimal HTTP helpers for the benchmark: GET/POST with a timeout, JSON bodies. */
import http from 'node:http';

/** A response: status code and body text. */
export interface HttpResult {
  readonly status: number;
  readonly body: string;
}

/** Sends one request and collects the response; rejects on network errors and timeouts. */
export function request(
  url: string,
  method: 'GET' | 'POST' = 'GET',
  options: {
    body?: Buffer;
    headers?: http.OutgoingHttpHeaders;
    agent?: http.Agent;
    timeoutMs?: number;
  } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        headers: options.headers ?? {},
        agent: options.agent ?? false,
        timeout: options.timeoutMs ?? 60_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`timeout after ${options.timeoutMs ?? 60_000} ms: ${method} ${url}`)),
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** GETs a URL, returning the status or 0 when the server does not answer. */
export async function probe(url: string, timeoutMs = 2000): Promise<number> {
  try {
    return (await request(url, 'GET', { timeoutMs })).status;
  } catch {
    return 0;
  }
}

/** Parses a JSON body, returning undefined when it is not JSON. */
export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** Reads `obj.a.b…` from parsed JSON without trusting its shape. */
export function pick(obj: unknown, ...keys: (string | number)[]): unknown {
  let cur = obj;
  for (const k of keys) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return cur;
}
