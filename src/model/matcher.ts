import { translateGoRegex } from './regex.js';

/** The four label matcher kinds of PromQL. */
export type MatchType = '=' | '!=' | '=~' | '!~';

/** Thrown when a regular expression of a matcher cannot be compiled. */
export class MatcherError extends Error {
  override readonly name = 'MatcherError';
}

/**
 * A label matcher. Regular expressions are fully anchored (`^(?:re)$`) like Prometheus, and `.`
 * matches newlines (Prometheus 3 semantics). A missing label matches as the empty string.
 */
export class Matcher {
  private readonly re: RegExp | undefined;
  /** For regex matchers that are a plain alternation of literals (`a|b|c`), those literals. */
  readonly setMatches: readonly string[] | undefined;

  constructor(
    readonly type: MatchType,
    readonly name: string,
    readonly value: string,
  ) {
    if (type === '=~' || type === '!~') {
      this.re = compileAnchored(value);
      this.setMatches = literalAlternatives(value);
    } else {
      this.re = undefined;
      this.setMatches = undefined;
    }
  }

  /** Whether the (possibly empty) label value matches. */
  matches(v: string): boolean {
    switch (this.type) {
      case '=':
        return v === this.value;
      case '!=':
        return v !== this.value;
      case '=~':
        return this.re!.test(v);
      case '!~':
        return !this.re!.test(v);
    }
  }

  /** Whether the matcher matches the empty string (and so series without the label). */
  matchesEmpty(): boolean {
    return this.matches('');
  }

  /** The matcher as PromQL text, for example `job=~"api|web"`. */
  toString(): string {
    const n = /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(this.name) ? this.name : JSON.stringify(this.name);
    return `${n}${this.type}${JSON.stringify(this.value)}`;
  }
}

/** Compiles a Go RE2-style pattern into an anchored JavaScript RegExp. */
export function compileAnchored(pattern: string): RegExp {
  let flags = 's';
  let body = pattern;
  // Go allows leading inline flags such as (?i); JavaScript (Node 20) does not.
  const m = /^\(\?([imsU]+)\)/.exec(body);
  if (m) {
    body = body.slice(m[0].length);
    if (m[1]!.includes('i')) flags += 'i';
    if (m[1]!.includes('m')) flags += 'm';
  }
  // Go's named groups (?P<name>…) are (?<name>…) in JavaScript; inline flag groups are expanded.
  body = translateGoRegex(body.replaceAll('(?P<', '(?<'));
  try {
    return new RegExp(`^(?:${body})$`, flags);
  } catch (err) {
    throw new MatcherError(`cannot compile regex ${JSON.stringify(pattern)}: ${String(err)}`, {
      cause: err,
    });
  }
}

function literalAlternatives(pattern: string): string[] | undefined {
  if (pattern === '' || /[\\^$.|?*+()[\]{}]/.test(pattern.replaceAll('|', ''))) return undefined;
  return pattern.split('|');
}
