import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ciNpmCommands, parseDockerfile, runCommands, type Stage } from './dockerfile.js';
import { projectRoot } from './root.js';

const root = projectRoot();
const stages = parseDockerfile(readFileSync(path.join(root, 'Dockerfile'), 'utf8'));
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
};

function stage(name: string): Stage {
  const s = stages.find((x) => x.name === name);
  assert.ok(s, `Dockerfile has no stage ${name}`);
  return s;
}

function args(s: Stage, keyword: string): string[] {
  return s.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
}

describe('Dockerfile', () => {
  it('builds with exactly the install and build commands CI runs', () => {
    const ci = ciNpmCommands(readFileSync(path.join(root, '.ci', 'run'), 'utf8'), pkg.scripts);
    // CI: `npm ci …`, then `npm test`, whose pretest is the build. The image stops before tests.
    const ciBuild = ci.slice(0, ci.indexOf('npm test'));
    assert.deepEqual(ciBuild, ['npm ci --no-audit --no-fund', 'npm run build']);
    assert.deepEqual(runCommands(stage('build')), ciBuild);
  });

  it('uses Node 20 on Debian bookworm in both stages, building on the build platform', () => {
    assert.match(stage('build').from, /^--platform=\$BUILDPLATFORM \$\{NODE_IMAGE\} AS build$/);
    assert.match(stage('runtime').from, /^\$\{NODE_IMAGE\} AS runtime$/);
    const arg = stages.length > 0 ? readFileSync(path.join(root, 'Dockerfile'), 'utf8') : '';
    assert.match(arg, /^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
  });

  it('installs only production dependencies in the runtime stage', () => {
    const cmds = runCommands(stage('runtime'));
    assert.ok(cmds.includes('npm ci --omit=dev --no-audit --no-fund'), cmds.join('; '));
    assert.ok(!cmds.some((c) => c === 'npm ci --no-audit --no-fund' || c.includes('npm run')));
  });

  it('copies the compiled server, the entry point and the built UI from the build stage', () => {
    const copies = args(stage('runtime'), 'COPY').filter((a) => a.startsWith('--from=build'));
    assert.deepEqual(copies, [
      '--from=build /src/bin ./bin',
      '--from=build /src/dist/src ./dist/src',
      '--from=build /src/dist/agent ./dist/agent',
      '--from=build /src/ui/dist ./ui/dist',
    ]);
    // The entry point loads the compiled CLI from that copied tree.
    const bin = readFileSync(path.join(root, 'bin', 'kansoku.js'), 'utf8');
    assert.match(bin, /(from |import\()'\.\.\/dist\/src\/app\/cli\.js'/);
  });

  it('runs as a non-root user with /data, port 9777, a health check and the server command', () => {
    const rt = stage('runtime');
    assert.deepEqual(args(rt, 'USER'), ['node']);
    assert.deepEqual(args(rt, 'VOLUME'), ['["/data"]']);
    assert.deepEqual(args(rt, 'EXPOSE'), ['9777']);
    const hc = args(rt, 'HEALTHCHECK');
    assert.equal(hc.length, 1);
    assert.match(hc[0] ?? '', /http:\/\/127\.0\.0\.1:9777\/-\/healthy/);
    const entry = JSON.parse(args(rt, 'ENTRYPOINT')[0] ?? 'null') as unknown;
    assert.deepEqual(entry, ['node', 'bin/kansoku.js']);
    const cmd = JSON.parse(args(rt, 'CMD')[0] ?? 'null') as unknown;
    assert.deepEqual(cmd, [
      'server',
      '--web.listen-address=0.0.0.0:9777',
      '--storage.tsdb.path=/data',
    ]);
  });

  it('needs no dev dependency at run time: src/ imports only Node built-ins and dependencies', () => {
    const allowed = new Set([...Object.keys(pkg.dependencies), ...builtinModules]);
    const bad: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const p = path.join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) {
          const src = readFileSync(p, 'utf8');
          const re =
            /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g;
          for (let m = re.exec(src); m; m = re.exec(src)) {
            const spec = m[1] ?? m[2] ?? '';
            if (spec.startsWith('.') || spec.startsWith('node:')) continue;
            const name = spec.startsWith('@')
              ? spec.split('/').slice(0, 2).join('/')
              : (spec.split('/')[0] ?? spec);
            if (!allowed.has(name)) bad.push(`${path.relative(root, p)}: ${spec}`);
          }
        }
      }
    };
    walk(path.join(root, 'src'));
    assert.deepEqual(bad, []);
  });

  it('keeps dependencies, build output and data out of the build context', () => {
    const ignore = readFileSync(path.join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    for (const p of ['**/node_modules', 'dist', 'ui/dist', 'data', '.git']) {
      assert.ok(ignore.includes(p), `.dockerignore lacks ${p}`);
    }
    // …but nothing the build stage needs.
    for (const p of [
      'src',
      'ui',
      'ui/src',
      'bin',
      'package.json',
      'package-lock.json',
      'tsconfig.json',
    ]) {
      assert.ok(!ignore.includes(p), `.dockerignore must not drop ${p}`);
      assert.ok(existsSync(path.join(root, p)), `${p} is missing`);
    }
  });
});
