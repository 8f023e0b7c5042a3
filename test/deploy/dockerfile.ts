/** A small Dockerfile reader for the packaging tests: stages and their instructions. */

/** One instruction of a Dockerfile: keyword (upper case) and its arguments as written. */
export interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

/** One build stage: its `FROM` line and the instructions under it. */
export interface Stage {
  readonly name: string;
  readonly from: string;
  readonly instructions: Instruction[];
}

/**
 * Splits a Dockerfile into stages: joins `\` continuation lines, drops comments and blank
 * lines, and names each stage by its `AS` alias (or its index).
 */
export function parseDockerfile(src: string): Stage[] {
  const logical: string[] = [];
  let cur = '';
  for (const raw of src.split('\n')) {
    const line = raw.trimEnd();
    if (cur === '' && /^\s*#/.test(line)) continue;
    if (line.endsWith('\\')) {
      cur += line.slice(0, -1) + ' ';
      continue;
    }
    cur += line;
    if (cur.trim() !== '') logical.push(cur.trim());
    cur = '';
  }
  const stages: Stage[] = [];
  for (const l of logical) {
    const m = /^(\S+)\s*(.*)$/.exec(l);
    if (!m) continue;
    const keyword = (m[1] ?? '').toUpperCase();
    const args = (m[2] ?? '').trim();
    if (keyword === 'FROM') {
      const alias = /\s+AS\s+(\S+)$/i.exec(args);
      stages.push({ name: alias?.[1] ?? String(stages.length), from: args, instructions: [] });
      continue;
    }
    const last = stages[stages.length - 1];
    if (last) last.instructions.push({ keyword, args });
  }
  return stages;
}

/** The shell commands of a stage's `RUN` lines, split on `&&` and normalised for spacing. */
export function runCommands(stage: Stage): string[] {
  return stage.instructions
    .filter((i) => i.keyword === 'RUN')
    .flatMap((i) => i.args.split('&&'))
    .map((c) => c.replace(/\s+/g, ' ').trim())
    .filter((c) => c !== '');
}

/**
 * The npm commands a CI script runs, in order: every line of the script that starts with `npm `
 * (outside comments), with `npm test` expanded to the `pretest` script it triggers first.
 */
export function ciNpmCommands(
  ciScript: string,
  scripts: Readonly<Record<string, string>>,
): string[] {
  const out: string[] = [];
  for (const raw of ciScript.split('\n')) {
    const line = raw.replace(/#.*$/, '').replace(/\s+/g, ' ').trim();
    if (!line.startsWith('npm ')) continue;
    if (line === 'npm test') {
      const pre = scripts['pretest'];
      if (pre !== undefined) out.push(pre.replace(/\s+/g, ' ').trim());
      out.push(line);
    } else out.push(line);
  }
  return out;
}
