/** Client-side routing over the History API: the path picks the page, the query string holds its state. */
import { useEffect, useState } from 'react';

/** The UI's pages and their paths. */
export const PAGES = [
  { path: '/explore', title: 'Explore' },
  { path: '/browse', title: 'Metrics' },
  { path: '/targets', title: 'Targets' },
  { path: '/status', title: 'Status' },
] as const;

/** A page path. */
export type PagePath = (typeof PAGES)[number]['path'];

/** Maps a location path to a page; unknown paths (and `/`) show Explore. */
export function pageFor(pathname: string): PagePath {
  const p = PAGES.find((x) => x.path === pathname);
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
