/** The query history, most recent first, kept in localStorage. */

const KEY = 'kansoku.queryHistory';
/** How many queries are remembered. */
export const HISTORY_LIMIT = 50;

/** Reads the history; anything malformed in storage is ignored. */
export function loadHistory(): string[] {
  try {
    const raw: unknown = JSON.parse(window.localStorage.getItem(KEY) ?? '[]');
    if (!Array.isArray(raw)) return [];
    return raw.filter((x): x is string => typeof x === 'string').slice(0, HISTORY_LIMIT);
  } catch {
    return [];
  }
}

/** Puts `query` first (removing an older copy) and saves; returns the new history. */
export function pushHistory(query: string): string[] {
  const q = query.trim();
  if (!q) return loadHistory();
  const next = [q, ...loadHistory().filter((x) => x !== q)].slice(0, HISTORY_LIMIT);
  try {
    window.localStorage.setItem(KEY, JSON.stringify(next));
  } catch {
    // storage full or disabled: the history is a convenience only
  }
  return next;
}
