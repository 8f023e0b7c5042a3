/** Shared loading and error displays. */
import type { ReactElement, ReactNode } from 'react';
import type { Loaded } from '../useApi.js';

/** Renders `children(data)` when loaded, a notice while loading, and the error otherwise. */
export function LoadState<T>({
  state,
  children,
}: {
  state: Loaded<T>;
  children: (data: T) => ReactNode;
}): ReactElement {
  switch (state.kind) {
    case 'loading':
      return (
        <p className="empty" aria-live="polite">
          Loading…
        </p>
      );
    case 'error':
      return (
        <p className="error" role="alert">
          {state.message}
        </p>
      );
    case 'done':
      return <>{children(state.data)}</>;
  }
}
