import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { Template, TemplateError } from '../../util/index.js';
import type { TemplateData } from './data.js';
import { DEFAULT_TEMPLATES } from './defaults.js';
import { alertmanagerFuncs } from './funcs.js';

/** A template file that cannot be read or parsed. */
export class TemplateLoadError extends Error {
  override readonly name = 'TemplateLoadError';
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

/** Expands a `templates:` entry; a wildcard may appear in the last path element only. */
async function expand(pattern: string, baseDir: string): Promise<string[]> {
  const abs = path.resolve(baseDir, pattern);
  const dir = path.dirname(abs);
  const base = path.basename(abs);
  if (!/[*?[]/.test(base)) return [abs];
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const re = globToRegExp(base);
  return names
    .filter((n) => re.test(n))
    .sort()
    .map((n) => path.join(dir, n));
}

/**
 * The notification templates of a configuration: the built-in defaults plus the user's files.
 * `render` expands a config field (`'{{ template "slack.default.title" . }}'`); each distinct
 * field text is parsed once and cached.
 */
export class NotificationTemplates {
  private readonly tmpl: Template;
  private readonly cache = new Map<string, string>();

  constructor(extra: readonly { name: string; text: string }[] = [], includeDefaults = true) {
    this.tmpl = new Template(
      '__root',
      includeDefaults ? DEFAULT_TEMPLATES : '',
      alertmanagerFuncs(),
    );
    for (const f of extra) {
      try {
        this.tmpl.addSource(f.name, f.text);
      } catch (e) {
        throw new TemplateLoadError(
          `cannot parse template file ${f.name}: ${(e as Error).message}`,
          { cause: e },
        );
      }
    }
  }

  /** Loads the files of `templates:` patterns (relative to `baseDir`). */
  static async load(patterns: readonly string[], baseDir: string): Promise<NotificationTemplates> {
    const files: { name: string; text: string }[] = [];
    for (const p of patterns) {
      for (const f of await expand(p, baseDir)) {
        try {
          files.push({ name: path.basename(f), text: await readFile(f, 'utf8') });
        } catch (e) {
          throw new TemplateLoadError(`cannot read template file ${f}: ${(e as Error).message}`, {
            cause: e,
          });
        }
      }
    }
    return new NotificationTemplates(files);
  }

  /** Executes a defined template by name. */
  execute(name: string, data: unknown): string {
    return this.tmpl.execute(data, name);
  }

  /** Expands a template text against the data. Throws `TemplateError` on failure. */
  render(text: string, data: TemplateData): string {
    if (!text.includes('{{')) return text;
    let name = this.cache.get(text);
    if (name === undefined) {
      name = `__field${this.cache.size}`;
      this.tmpl.addSource(name, text);
      this.cache.set(text, name);
    }
    return this.tmpl.execute(data, name);
  }
}

export { TemplateError };
