import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: the nearest directory above this file that holds package.json. */
export const PROJECT_ROOT: string = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the project root (package.json)');
    dir = up;
  }
  return dir;
})();

/** Where the peer projects' test material lives (`../shared/peer-suites`, or $PEER_SUITES_DIR). */
export const PEER_SUITES: string =
  process.env['PEER_SUITES_DIR'] ?? path.resolve(PROJECT_ROOT, '..', 'shared', 'peer-suites');

/** Whether the peer test material is present. */
export const HAVE_PEER_SUITES: boolean = existsSync(path.join(PEER_SUITES, 'README.md'));

/** A skip reason for suites that need the peer material, or false when it is present. */
export const PEER_SKIP: string | false = HAVE_PEER_SUITES
  ? false
  : `peer suites not found at ${PEER_SUITES} (set PEER_SUITES_DIR)`;
