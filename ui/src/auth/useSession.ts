/** A React hook with the current session, refreshed when it changes. */
import { useEffect, useState } from 'react';
import { fetchSession, SESSION_EVENT, type SessionInfo } from './session.js';

/** The current session; undefined while loading or when the server cannot be reached. */
export function useSession(): SessionInfo | undefined {
  const [s, setS] = useState<SessionInfo | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const load = (): void => {
      fetchSession().then(
        (x) => {
          if (live) setS(x);
        },
        () => {
          if (live) setS(undefined);
        },
      );
    };
    load();
    window.addEventListener(SESSION_EVENT, load);
    return () => {
      live = false;
      window.removeEventListener(SESSION_EVENT, load);
    };
  }, []);
  return s;
}
