/** Client-side routing over the History API: the path picks the page, the query string holds its state. */
import { useEffect, useState } from 'react';

/** The UI's pages and their paths. */
export const PAGES = [
  { path: '/explore', title: 'Explore' },
  { path: '/dashboards', title: 'Dashboards' },
  { path: '/alerts', title: 'Alerts' },
  { path: '/browse', title: 'Metrics' },
  { path: '/targets', title: 'Targets' },
  { path: '/status', title: 'Status' },
  { path: '/admin', title: 'Admin' },
] as const;

/** A page path. */
export type PagePath = (typeof PAGES)[number]['path'];

/** Pages outside the navigation bar (sign-in, first-run setup, public share links). */
export type BarePath = '/login' | '/setup' | '/public';

/** Maps a location path to a page: a page owns its path and everything below it
 * (`/dashboards/d/<uid>` belongs to `/dashboards`); unknown paths (and `/`) show Explore. */
export function pageFor(pathname: string): PagePath | BarePath {
  for (const bare of ['/login', '/setup', '/public'] as const)
    if (pathname === bare || pathname.startsWith(`${bare}/`)) return bare;
  const p = PAGES.find((x) => pathname === x.path || pathname.startsWith(`${x.path}/`));
  return p ? p.path : '/explore';
}

/** Navigates inside the app without reloading. */
export function navigate(url: string, replace = false): void {
  if (replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** The current location, updated on navigation. */
export function useLocation(): { pathname: string; search: string } {
  const [loc, setLoc] = useState(() => ({
    pathname: window.location.pathname,
    search: window.location.search,
  }));
  useEffect(() => {
    const on = (): void => {
      setLoc({ pathname: window.location.pathname, search: window.location.search });
    };
    window.addEventListener('popstate', on);
    return () => {
      window.removeEventListener('popstate', on);
    };
  }, []);
  return loc;
}
