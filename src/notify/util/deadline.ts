/**
 * A signal that aborts with `parent` or after `ms`. Unlike `AbortSignal.any([parent,
 * AbortSignal.timeout(ms)])` on Node 20, the timer keeps its controller alive, so a collected
 * timeout signal cannot leave a request without its deadline. Call `done()` when finished.
 */
export function deadline(
  parent: AbortSignal,
  ms: number,
): { signal: AbortSignal; done: () => void } {
  const ac = new AbortController();
  const onAbort = (): void => {
    ac.abort(parent.reason);
  };
  if (parent.aborted) ac.abort(parent.reason);
  else parent.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => {
    ac.abort(new DOMException(`the operation timed out after ${ms} ms`, 'TimeoutError'));
  }, ms);
  return {
    signal: ac.signal,
    done: () => {
      clearTimeout(timer);
      parent.removeEventListener('abort', onAbort);
    },
  };
}
