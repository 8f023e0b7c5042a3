/**
 * Translation of Go RE2 syntax that JavaScript (Node 20) lacks: inline flag groups. `(?i:re)`
 * and a mid-pattern `(?i)` (which applies to the rest of its group) are rewritten by expanding
 * letters into both cases (`a` → `[aA]`, classes get both cases added); `(?s)` is the default
 * here (`.` matches newline, as Prometheus 3); other flag groups keep their text.
 */
export function translateGoRegex(src: string): string {
  let out = '';
  // Stack of "case-insensitive" states, one per open group.
  const stack: boolean[] = [];
  let ci = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const next = src[i + 1] ?? '';
      out += c + next;
      i++;
      continue;
    }
    if (c === '[') {
      const end = classEnd(src, i);
      const cls = src.slice(i, end + 1);
      out += ci ? foldClass(cls) : cls;
      i = end;
      continue;
    }
    if (c === '(') {
      const flagGroup = /^\(\?([imsU-]+)(:|\))/.exec(src.slice(i));
      if (flagGroup) {
        const flags = flagGroup[1]!;
        const on = flags.split('-')[0] ?? '';
        const off = flags.split('-')[1] ?? '';
        const nextCi: boolean = on.includes('i') ? true : off.includes('i') ? false : ci;
        if (flagGroup[2] === ':') {
          stack.push(ci);
          ci = nextCi;
          out += '(?:';
        } else {
          ci = nextCi; // `(?i)`: rest of the current group
        }
        i += flagGroup[0].length - 1;
        continue;
      }
      stack.push(ci);
      out += c;
      continue;
    }
    if (c === ')') {
      ci = stack.pop() ?? false;
      out += c;
      continue;
    }
    if (ci && /[a-zA-Z]/.test(c) && c.toLowerCase() !== c.toUpperCase()) {
      out += `[${c.toLowerCase()}${c.toUpperCase()}]`;
      continue;
    }
    out += c;
  }
  return out;
}

function classEnd(src: string, start: number): number {
  let i = start + 1;
  if (src[i] === '^') i++;
  if (src[i] === ']') i++;
  for (; i < src.length; i++) {
    if (src[i] === '\\') {
      i++;
      continue;
    }
    if (src[i] === '[' && src[i + 1] === ':') {
      const close = src.indexOf(':]', i + 2);
      if (close > 0) {
        i = close + 1;
        continue;
      }
    }
    if (src[i] === ']') return i;
  }
  return src.length - 1;
}

/** Adds the other case of every letter and letter range of a character class. */
function foldClass(cls: string): string {
  const neg = cls.startsWith('[^');
  const body = cls.slice(neg ? 2 : 1, -1);
  let extra = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (
      body[i + 1] === '-' &&
      i + 2 < body.length &&
      /[a-zA-Z]/.test(c) &&
      /[a-zA-Z]/.test(body[i + 2]!)
    ) {
      const a = c;
      const b = body[i + 2]!;
      extra += `${swap(a)}-${swap(b)}`;
      i += 2;
      continue;
    }
    if (/[a-zA-Z]/.test(c)) extra += swap(c);
  }
  return `[${neg ? '^' : ''}${body}${extra}]`;
}

function swap(c: string): string {
  return c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
}
