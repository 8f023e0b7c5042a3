/** Where the built UI lives by default. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `<project root>/ui/dist`, the project root being the nearest directory above this module
 * that holds `package.json` (works from `src/` under tsx and from the compiled `dist/`).
 */
export function defaultUiDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) return path.resolve('ui', 'dist');
    dir = up;
  }
  return path.join(dir, 'ui', 'dist');
}
