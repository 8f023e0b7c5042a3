/**
 * Which queries a share link may run: the link stores the expressions of its dashboard or panel
 * with variables substituted; a request's query must equal one of them, except that the built-in
 * time variables (`$__interval`, `$__rate_interval`, `$__range`, also as `${…}`) match any
 * duration, because the viewer picks the time range. Whitespace runs compare as one space.
 */

const TIME_VARS = /\\\$(?:\\\{)?__(?:rate_interval|interval|range)(?:_ms|_s)?(?:\\\})?/g;
const DURATION = '(?:[0-9]+(?:ms|s|m|h|d|w|y))+';

function normalize(q: string): string {
  return q.trim().replace(/\s+/g, ' ');
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Compiles the allowed query templates of a share link into one matcher. */
export function compileShareQueries(templates: readonly string[]): (query: string) => boolean {
  const res = templates.map(
    (t) => new RegExp(`^${escape(normalize(t)).replace(TIME_VARS, DURATION)}$`),
  );
  return (query) => {
    const q = normalize(query);
    return res.some((re) => re.test(q));
  };
}
