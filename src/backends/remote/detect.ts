/** Finding out which engine sits behind the read URL when the flavor is not configured. */
import type { RemoteHttpClient } from './http.js';
import { flavorFromUrls, type RemoteFlavor } from './options.js';

/** The flavor could not be determined. */
export class FlavorDetectionError extends Error {
  override readonly name = 'FlavorDetectionError';
}

/**
 * Detects the flavor: first from the URL shapes (`flavorFromUrls`), then by asking the read
 * side: `/api/v1/status/active_queries` exists only on VictoriaMetrics, and
 * `/api/v1/status/buildinfo` answers on Prometheus. Mimir and Thanos are recognised by URL or
 * must be configured (`--storage.remote.flavor`).
 */
export async function detectFlavor(
  client: RemoteHttpClient,
  writeUrl: string,
  readUrl: string,
  signal?: AbortSignal,
): Promise<RemoteFlavor> {
  const byUrl = flavorFromUrls(writeUrl, readUrl);
  if (byUrl) return byUrl;
  const base = readUrl.replace(/\/+$/, '');
  const vm = await client
    .request(`${base}/api/v1/status/active_queries`, { signal, acceptErrors: true })
    .catch(() => undefined);
  if (vm?.status === 200) return 'victoriametrics';
  const prom = await client
    .request(`${base}/api/v1/status/buildinfo`, { signal, acceptErrors: true })
    .catch(() => undefined);
  if (prom?.status === 200) return 'prometheus';
  throw new FlavorDetectionError(
    `cannot detect the remote backend behind ${base}: ${prom ? `HTTP ${prom.status}` : 'no answer'} (set --storage.remote.flavor)`,
  );
}
