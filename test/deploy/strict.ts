/**
 * Strict field validation: the schema validators accept unknown fields (as the API server does
 * without strict field validation), so a misspelled key would pass. This check type-checks each
 * object as an object literal of its kind's TypeScript interface from `kubernetes-models`
 * (generated from the same OpenAPI schemas), where every unknown field at any depth is an
 * excess-property error. One compiler run checks a whole batch.
 */
import path from 'node:path';
import ts from 'typescript';
import type { KubeObject } from './k8s.js';

/** An object to check and where it came from (for messages). */
export interface Located {
  readonly obj: KubeObject;
  readonly where: string;
}

/** The module of `apiVersion`/`kind` (core objects live under `v1/`). */
function modelModule(apiVersion: string, kind: string): string {
  return `kubernetes-models/${apiVersion}/${kind}`;
}

/**
 * Returns one message per unknown or mistyped field, naming the object; empty when all objects
 * fit their interfaces exactly. `dir` must be a directory from which `kubernetes-models`
 * resolves (the project root's node_modules).
 */
export function unknownFieldErrors(items: readonly Located[], dir: string): string[] {
  const lines: string[] = [];
  items.forEach((it, i) => {
    const mod = JSON.stringify(modelModule(it.obj.apiVersion, it.obj.kind));
    lines.push(`import type { I${it.obj.kind} as T${i} } from ${mod};`);
  });
  const first = lines.length;
  items.forEach((it, i) => {
    lines.push(`export const o${i}: T${i} = ${JSON.stringify(it.obj)};`);
  });
  const file = path.join(dir, '__kansoku_strict_fields__.ts');
  const src = lines.join('\n') + '\n';
  const opts: ts.CompilerOptions = {
    strict: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(opts);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang, onError, create) =>
    path.resolve(f) === file ? ts.createSourceFile(f, src, lang) : read(f, lang, onError, create);
  const exists = host.fileExists.bind(host);
  host.fileExists = (f) => path.resolve(f) === file || exists(f);
  const program = ts.createProgram([file], opts, host);
  const out: string[] = [];
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const msg = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    let at = 'chart check';
    if (d.file && d.start !== undefined) {
      const line = d.file.getLineAndCharacterOfPosition(d.start).line;
      const it = items[line - first] ?? items[line];
      if (it) at = `${it.where}: ${it.obj.kind}/${it.obj.metadata?.name ?? '?'}`;
    }
    out.push(`${at}: ${msg}`);
  }
  return out;
}
