/** Sends a share link's token with the public page's API requests. */

/**
 * Wraps `window.fetch` once so that same-origin `/api/` requests made while a `/public/` page
 * is shown carry `Authorization: Bearer <secret>`; the latest secret wins.
 */
export function installShareFetch(secret: string): void {
  const w = window as Window & { __kansokuShareSecret?: string };
  const installed = w.__kansokuShareSecret !== undefined;
  w.__kansokuShareSecret = secret;
  if (installed) return;
  const inner = window.fetch.bind(window);
  window.fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const path = url.startsWith(window.location.origin)
      ? url.slice(window.location.origin.length)
      : url;
    const token = w.__kansokuShareSecret ?? '';
    if (
      !path.startsWith('/api/') ||
      !window.location.pathname.startsWith('/public/') ||
      token === ''
    )
      return inner(input, init);
    const headers = new Headers(
      init?.headers ?? (input instanceof Request ? input.headers : undefined),
    );
    if (!headers.has('Authorization')) headers.set('Authorization', `Bearer ${token}`);
    return inner(input, { ...init, headers });
  };
}
