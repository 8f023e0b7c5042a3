/** Pure helpers of the sign-in flow (DOM-free, tested under test/ui). */

/**
 * Where to go after signing in: a local path from `?next=`, never another site (`//host`,
 * `/\\host` and absolute URLs fall back to `/`).
 */
export function nextPath(search: string): string {
  const next = new URLSearchParams(search).get('next') ?? '/';
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}
