// Bundles the compiled command line (dist/src/app/cli.js) for `kansoku agent` into
// dist/agent/: a few minified files instead of some hundred modules and their CommonJS
// dependencies, which keeps about 10 MB of module records, source text and loader state out of
// the agent's resident memory (see docs/decisions/0012-agent-bundle.md). The server runs from
// dist/src/ (its worker threads load modules by path). Run after `tsc` (part of `npm run build`).
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'agent');
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [path.join(root, 'dist', 'src', 'app', 'cli.js')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  // Native or optional modules stay outside (loaded by the code that needs them, if ever).
  external: ['snappy', 'playwright-core'],
  // CommonJS dependencies call require(); give every output file one.
  banner: {
    js: "import { createRequire as __kansokuRequire } from 'node:module'; const require = __kansokuRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
