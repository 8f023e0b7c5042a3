/** A hook that loads data once from the API and exposes loading, error and data states. */
import { useEffect, useState } from 'react';
import { ApiError } from './api/client.js';

/** The state of one load. */
export type Loaded<T> =
  | { readonly kind: 'loading' }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'done'; readonly data: T };

/** Calls `load` on mount (and when `key` changes), aborting it on unmount. */
export function useApi<T>(load: (signal: AbortSignal) => Promise<T>, key = ''): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ kind: 'loading' });
  useEffect(() => {
    const ac = new AbortController();
    setState({ kind: 'loading' });
    load(ac.signal).then(
      (data) => {
        if (!ac.signal.aborted) setState({ kind: 'done', data });
      },
      (e: unknown) => {
        if (ac.signal.aborted) return;
        const message =
          e instanceof ApiError
            ? `${e.errorType}: ${e.message}`
            : e instanceof Error
              ? e.message
              : String(e);
        setState({ kind: 'error', message });
      },
    );
    return () => {
      ac.abort();
    };
    // `load` is a new function each render; `key` says when to load again.
  }, [key]);
  return state;
}
