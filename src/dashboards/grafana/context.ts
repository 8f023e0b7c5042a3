/** State shared by the migration steps of one import: the inputs, variables and warnings. */
import { asArray, asObject, asString, type JsonObject } from '../json.js';
import type { ImportWarning } from '../model.js';

/** What the migration of one dashboard collects and consults. */
export class MigrationContext {
  readonly warnings: ImportWarning[] = [];
  /** `__inputs` names (`DS_PROMETHEUS`) → plugin id (`prometheus`). */
  private readonly inputs = new Map<string, string>();
  /** Datasource variables (`datasource`) → plugin id of their `query` (`prometheus`). */
  private readonly dsVariables = new Map<string, string>();
  private readonly once = new Set<string>();

  constructor(source: JsonObject) {
    for (const i of asArray(source['__inputs'])) {
      const o = asObject(i);
      const name = asString(o?.['name']);
      if (o && name !== undefined && o['type'] === 'datasource')
        this.inputs.set(name, asString(o['pluginId']) ?? '');
    }
    const templating = asObject(source['templating']);
    for (const v of asArray(templating?.['list'])) {
      const o = asObject(v);
      const name = asString(o?.['name']);
      if (o && name !== undefined && o['type'] === 'datasource')
        this.dsVariables.set(name, asString(o['query']) ?? '');
    }
  }

  /** Records something the import could not carry over. */
  warn(path: string, message: string, panel?: JsonObject): void {
    const title = panel ? panelName(panel) : undefined;
    this.warnings.push(title === undefined ? { path, message } : { path, panel: title, message });
  }

  /**
   * Records a warning only the first time `key` is seen: for cosmetic options that many panels of
   * one dashboard share, one line says it for all of them.
   */
  warnOnce(key: string, path: string, message: string, panel?: JsonObject): void {
    if (this.once.has(key)) return;
    this.once.add(key);
    this.warn(path, message, panel);
  }

  /** The plugin id of an `__inputs` entry, undefined when there is no such input. */
  inputPlugin(name: string): string | undefined {
    return this.inputs.get(name);
  }

  /** The plugin id of a datasource variable, undefined when there is no such variable. */
  variablePlugin(name: string): string | undefined {
    return this.dsVariables.get(name);
  }
}

/** A panel's title for messages, or `#<id>`, or `(untitled)`. */
export function panelName(p: JsonObject): string {
  const t = asString(p['title']);
  if (t !== undefined && t !== '') return t;
  const id = p['id'];
  return typeof id === 'number' ? `#${id}` : '(untitled)';
}
