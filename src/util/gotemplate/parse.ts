import type { Arg, Command, Node, Pipeline, Pos } from './ast.js';
import { TemplateError } from './errors.js';
import { lex, type Tok } from './lex.js';

/** The parsed templates of one source: the main body and every `define`/`block`. */
export type TemplateSet = Map<string, Node[]>;

const KEYWORDS = new Set([
  'if',
  'else',
  'end',
  'range',
  'with',
  'define',
  'template',
  'block',
  'break',
  'continue',
]);

/**
 * Parses a template source into `set` (the main body under `name`, plus its definitions), like
 * Go's `template.Parse`. `funcs` names the functions that may be called; any other identifier
 * is an error at parse time, as in Go.
 */
export function parseTemplate(
  name: string,
  src: string,
  funcs: ReadonlySet<string>,
  set: TemplateSet = new Map(),
): TemplateSet {
  const p = new Parser(name, lex(name, src), funcs, set);
  const body = p.list(new Set(['eof']));
  if (!set.has(name) || body.some((n) => n.kind !== 'text' || n.text.trim() !== ''))
    set.set(name, body);
  return set;
}

class Parser {
  private i = 0;
  private loopDepth = 0;
  private vars: string[][] = [['$']];

  constructor(
    private readonly name: string,
    private readonly toks: Tok[],
    private readonly funcs: ReadonlySet<string>,
    private readonly set: TemplateSet,
  ) {}

  private peek(k = 0): Tok {
    return this.toks[this.i + k] ?? this.toks[this.toks.length - 1]!;
  }

  private next(): Tok {
    return this.toks[this.i++] ?? this.toks[this.toks.length - 1]!;
  }

  private fail(pos: Pos, msg: string): never {
    throw new TemplateError(`template: ${this.name}:${pos.line}:${pos.col}: ${msg}`, pos);
  }

  private expect(kind: Tok['kind'], what: string): Tok {
    const t = this.next();
    if (t.kind !== kind) this.fail(t.pos, `unexpected ${describe(t)} in ${what}`);
    return t;
  }

  /** Parses nodes until an action whose keyword is in `stops` (left unconsumed after `{{`). */
  list(stops: ReadonlySet<string>): Node[] {
    const out: Node[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') {
        if (!stops.has('eof')) this.fail(t.pos, `unexpected EOF`);
        return out;
      }
      if (t.kind === 'text') {
        this.next();
        out.push({ kind: 'text', text: t.value });
        continue;
      }
      // t is '{{'
      const kw = this.peek(1);
      if (kw.kind === 'ident' && stops.has(kw.value)) return out;
      this.next();
      const n = this.action();
      if (n) out.push(n);
    }
  }

  private action(): Node | undefined {
    const t = this.peek();
    if (t.kind === 'ident' && KEYWORDS.has(t.value)) {
      this.next();
      switch (t.value) {
        case 'if':
        case 'with':
          return this.control(t.value, t.pos);
        case 'range':
          return this.range(t.pos);
        case 'template':
          return this.templateCall(t.pos);
        case 'define':
        case 'block':
          return this.define(t.value, t.pos);
        case 'break':
        case 'continue':
          if (this.loopDepth === 0) this.fail(t.pos, `{{${t.value}}} outside {{range}}`);
          this.expect('close', t.value);
          return { kind: t.value, pos: t.pos };
        default:
          this.fail(t.pos, `unexpected ${JSON.stringify(t.value)}`);
      }
    }
    const pipe = this.pipeline('command', true);
    this.expect('close', 'command');
    return { kind: 'action', pipe, pos: t.pos };
  }

  private withScope<T>(fn: () => T): T {
    this.vars.push([]);
    try {
      return fn();
    } finally {
      this.vars.pop();
    }
  }

  private control(kind: 'if' | 'with', pos: Pos): Node {
    return this.withScope(() => {
      const pipe = this.pipeline(kind, true);
      this.expect('close', kind);
      const list = this.list(new Set(['else', 'end']));
      const elseList = this.elseOrEnd(kind);
      return { kind, pipe, list, elseList, pos };
    });
  }

  /** After a body: `{{end}}`, `{{else}} … {{end}}`, or `{{else if …}}` / `{{else with …}}` chains. */
  private elseOrEnd(kind: string): Node[] | undefined {
    this.expect('open', kind);
    const kw = this.next();
    if (kw.value === 'end') {
      this.expect('close', 'end');
      return undefined;
    }
    // else
    const nt = this.peek();
    if (nt.kind === 'ident' && (nt.value === 'if' || nt.value === 'with') && kind !== 'range') {
      this.next();
      // `{{else if x}}` is `{{else}}{{if x}}…{{end}}{{end}}` sharing the outer end.
      const inner = this.control(nt.value, nt.pos);
      return [inner];
    }
    this.expect('close', 'else');
    const elseList = this.list(new Set(['end']));
    this.expect('open', 'else');
    this.next();
    this.expect('close', 'end');
    return elseList;
  }

  private range(pos: Pos): Node {
    return this.withScope(() => {
      const pipe = this.pipeline('range', true);
      this.expect('close', 'range');
      this.loopDepth++;
      const list = this.list(new Set(['else', 'end']));
      this.loopDepth--;
      const elseList = this.elseOrEnd('range');
      return { kind: 'range', pipe, list, elseList, pos };
    });
  }

  private templateCall(pos: Pos): Node {
    const nameTok = this.expect('string', 'template clause');
    let pipe: Pipeline | undefined;
    if (this.peek().kind !== 'close') pipe = this.pipeline('template clause', false);
    this.expect('close', 'template clause');
    return { kind: 'template', name: nameTok.value, pipe, pos };
  }

  private define(kind: 'define' | 'block', pos: Pos): Node | undefined {
    const nameTok = this.expect('string', `${kind} clause`);
    let pipe: Pipeline | undefined;
    if (kind === 'block') pipe = this.pipeline('block clause', false);
    this.expect('close', `${kind} clause`);
    const saved = this.vars;
    const savedLoop = this.loopDepth;
    this.vars = [['$']];
    this.loopDepth = 0;
    const body = this.list(new Set(['end']));
    this.vars = saved;
    this.loopDepth = savedLoop;
    this.expect('open', 'end');
    this.next();
    this.expect('close', 'end');
    this.set.set(nameTok.value, body);
    return kind === 'block' ? { kind: 'template', name: nameTok.value, pipe, pos } : undefined;
  }

  private pipeline(context: string, allowDecl: boolean): Pipeline {
    const pos = this.peek().pos;
    const decl: string[] = [];
    let isAssign = false;
    if (allowDecl && this.peek().kind === 'variable') {
      // `$x :=`, `$x =`, or `$i, $e :=` (range).
      const save = this.i;
      const names: string[] = [this.next().value];
      if (this.peek().kind === 'comma') {
        this.next();
        names.push(this.expect('variable', context).value);
      }
      const op = this.peek();
      if (op.kind === 'declare' || op.kind === 'assign') {
        this.next();
        isAssign = op.kind === 'assign';
        decl.push(...names);
        if (!isAssign) this.vars[this.vars.length - 1]!.push(...names);
        else for (const n of names) this.checkVar(n, op.pos);
      } else this.i = save;
    }
    const cmds: Command[] = [];
    for (;;) {
      cmds.push(this.command(context));
      if (this.peek().kind !== 'pipe') break;
      this.next();
    }
    if (cmds.length === 0) this.fail(pos, `missing value for ${context}`);
    return { decl, isAssign, cmds, pos };
  }

  private checkVar(name: string, pos: Pos): void {
    if (!this.vars.some((scope) => scope.includes(name)))
      this.fail(pos, `undefined variable "${name}"`);
  }

  private command(context: string): Command {
    const pos = this.peek().pos;
    const args: Arg[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'close' || t.kind === 'pipe' || t.kind === 'rparen' || t.kind === 'eof') break;
      args.push(this.operand(context));
    }
    if (args.length === 0) this.fail(pos, `missing value for ${context}`);
    return { args, pos };
  }

  private operand(context: string): Arg {
    const t = this.next();
    let a: Arg;
    switch (t.kind) {
      case 'field':
        a = { kind: 'field', names: [t.value], pos: t.pos };
        break;
      case 'variable':
        this.checkVar(t.value, t.pos);
        a = { kind: 'variable', name: t.value, names: [], pos: t.pos };
        break;
      case 'dot':
        a = { kind: 'dot', pos: t.pos };
        break;
      case 'string':
        return { kind: 'string', value: t.value, pos: t.pos };
      case 'number':
        return { kind: 'number', value: parseNumber(t.value), pos: t.pos };
      case 'lparen': {
        const pipe = this.pipeline('parenthesized pipeline', false);
        this.expect('rparen', 'parenthesized pipeline');
        a = { kind: 'pipe', pipe, names: [], pos: t.pos };
        break;
      }
      case 'ident':
        if (t.value === 'true' || t.value === 'false')
          return { kind: 'bool', value: t.value === 'true', pos: t.pos };
        if (t.value === 'nil') return { kind: 'nil', pos: t.pos };
        if (!this.funcs.has(t.value)) this.fail(t.pos, `function "${t.value}" not defined`);
        return { kind: 'identifier', name: t.value, pos: t.pos };
      default:
        return this.fail(t.pos, `unexpected ${describe(t)} in ${context}`);
    }
    // Chained fields: `.a.b`, `$x.y`, `(pipe).z`.
    const names = [...(a.kind === 'field' ? a.names : [])];
    // Only fields written directly after the operand (no space) chain onto it.
    let prevEnd = this.toks[this.i - 1]!.end;
    while (this.peek().kind === 'field' && this.peek().start === prevEnd) {
      const f = this.next();
      names.push(f.value);
      prevEnd = f.end;
    }
    if (a.kind === 'field') return { ...a, names };
    if (a.kind === 'variable' || a.kind === 'pipe') return { ...a, names };
    if (names.length > 0) return { kind: 'field', names, pos: a.pos };
    return a;
  }
}

function parseNumber(s: string): number {
  const clean = s.replaceAll('_', '');
  const neg = clean.startsWith('-');
  const body = clean.replace(/^[+-]/, '');
  let v: number;
  if (/^0[xX]/.test(body)) v = parseInt(body.slice(2), 16);
  else if (/^0[bB]/.test(body)) v = parseInt(body.slice(2), 2);
  else if (/^0[oO]/.test(body)) v = parseInt(body.slice(2), 8);
  else if (/^0[0-7]+$/.test(body)) v = parseInt(body, 8);
  else v = Number(body);
  return neg ? -v : v;
}

function describe(t: Tok): string {
  switch (t.kind) {
    case 'eof':
      return 'EOF';
    case 'close':
      return '"}}"';
    default:
      return `<${t.value}>`;
  }
}
