import { SafeHTML, type TemplateFunc } from '../../util/index.js';

function goRegExp(pattern: string): RegExp {
  return new RegExp(pattern.replaceAll('(?P<', '(?<'), 'u');
}

function toStrings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

/** Alertmanager's template functions (its `DefaultFuncs`). */
export function alertmanagerFuncs(): Record<string, TemplateFunc> {
  return {
    toUpper: (s) => String(s).toUpperCase(),
    toLower: (s) => String(s).toLowerCase(),
    title: (s) =>
      String(s).replace(
        /(^|[^\p{L}\p{N}_'])(\p{L})/gu,
        (_m, a: string, b: string) => a + b.toUpperCase(),
      ),
    trimSpace: (s) => String(s).trim(),
    join: (sep, list) => toStrings(list).join(String(sep)),
    match: (re, s) => goRegExp(String(re)).test(String(s)),
    safeHtml: (s) => new SafeHTML(String(s)),
    safeUrl: (s) => String(s),
    urlUnescape: (s) => decodeURIComponent(String(s)),
    reReplaceAll: (re, repl, s) =>
      String(s).replace(
        new RegExp(goRegExp(String(re)).source, 'gu'),
        String(repl)
          .replace(/\$\{?(\w+)\}?/g, '$$<$1>')
          .replace(/\$<(\d+)>/g, '$$$1'),
      ),
    stringSlice: (...a) => a.map(String),
    toJson: (v) => JSON.stringify(v),
  };
}
