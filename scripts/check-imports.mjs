// Enforces the import directions of the architecture (docs/architecture.md):
// each area under src/ may import only the areas listed for it, only through their index.ts,
// and nothing may import src/app except the bin entry point.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Which areas each area may import (besides itself). */
const ALLOWED = {
  model: [],
  util: [],
  config: ['model'],
  parsers: ['model', 'util'],
  storage: ['model', 'util'],
  tsdb: ['storage', 'model', 'util'],
  backends: ['storage', 'model', 'util', 'parsers'],
  promql: ['storage', 'model', 'util'],
  ingest: ['parsers', 'storage', 'config', 'model', 'util'],
  scrape: ['parsers', 'storage', 'config', 'model', 'util', 'ingest'],
  rules: ['promql/parser', 'storage', 'config', 'model', 'util'],
  notify: ['config', 'model', 'util'],
  auth: ['config', 'model', 'util', 'meta'],
  meta: ['model', 'util'],
  dashboards: ['meta', 'model', 'util', 'promql/parser'],
  host: ['model', 'util'],
  http: [
    'model',
    'util',
    'config',
    'parsers',
    'storage',
    'promql',
    'promql/parser',
    'ingest',
    'scrape',
    'rules',
    'notify',
    'auth',
    'meta',
    'dashboards',
    'backends',
  ],
  app: ['*'],
};

/** Sub-areas with an index of their own that other areas may import directly. */
const SUBAREAS = ['promql/parser', 'http/wire', 'http/core'];

/** Sub-areas whose index is a narrow second entry re-exporting files of the parent area. */
const LITE_ENTRIES = ['http/core'];

/** @param {string} dir @returns {string[]} */
function walk(dir) {
  /** @type {string[]} */
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** @param {string} rel path relative to src, with forward slashes @returns {string} */
function areaOf(rel) {
  const parts = rel.split('/');
  const first = parts[0] ?? '';
  if (first === 'backends') return 'backends';
  return first;
}

/** @param {string} rel @returns {string} the module unit (sub-area or area) a file belongs to */
function unitOf(rel) {
  for (const s of SUBAREAS) if (rel.startsWith(s + '/')) return s;
  const parts = rel.split('/');
  if (parts[0] === 'backends' && parts.length > 2) return `backends/${parts[1]}`;
  return parts[0] ?? '';
}

const src = path.resolve('src');
const problems = [];
const importRe =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
for (const file of walk(src)) {
  const rel = path.relative(src, file).split(path.sep).join('/');
  const fromArea = areaOf(rel);
  const fromUnit = unitOf(rel);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(importRe)) {
    const spec = m[1] ?? m[2] ?? '';
    if (!spec.startsWith('.')) continue;
    const target = path
      .relative(src, path.resolve(path.dirname(file), spec))
      .split(path.sep)
      .join('/');
    if (target.startsWith('..')) {
      const isTestFile = rel.endsWith('.test.ts') || rel.includes('/conformance/');
      if (isTestFile && target.startsWith('../test/support/')) continue;
      problems.push(`${rel}: imports ${spec}, outside src/`);
      continue;
    }
    const toArea = areaOf(target);
    const toUnit = unitOf(target);
    if (toUnit === fromUnit) continue;
    if (LITE_ENTRIES.includes(fromUnit) && rel === `${fromUnit}/index.ts` && toUnit === fromArea)
      continue;
    const isTest = rel.endsWith('.test.ts') || rel.includes('/conformance/');
    if (toArea === 'app' && fromArea !== 'app') {
      problems.push(`${rel}: imports ${spec}; nothing may import src/app`);
      continue;
    }
    if (toArea !== fromArea) {
      const allowed = ALLOWED[fromArea];
      if (!allowed) {
        problems.push(`${rel}: area '${fromArea}' is not in the architecture table`);
        continue;
      }
      // Tests may compose what they test with any area (for example a real engine in rules
      // tests); only production code is held to the table.
      const ok =
        isTest || allowed.includes('*') || allowed.includes(toUnit) || allowed.includes(toArea);
      if (!ok) problems.push(`${rel}: area '${fromArea}' may not import '${toUnit}' (${spec})`);
    }
    if (!isTest && target !== `${toUnit}/index.js` && target !== `${toUnit}/index.ts`) {
      problems.push(`${rel}: deep import ${spec}; import '${toUnit}/index.js' instead`);
    }
  }
}
if (problems.length > 0) {
  console.error(`import rules: ${problems.length} problem(s)`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log('import rules: ok');
