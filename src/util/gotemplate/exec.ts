import type { Arg, Command, Node, Pipeline, Pos } from './ast.js';
import { TemplateError } from './errors.js';
import { builtins, LAZY_BUILTINS } from './builtins.js';
import { parseTemplate, type TemplateSet } from './parse.js';
import { GoInt, field, printValue, truthy, type TemplateFunc } from './value.js';

/** Control flow of `{{break}}` and `{{continue}}`, unwound with exceptions. */
class Break extends Error {}
class Continue extends Error {}

/** Limits that keep a hostile template from hanging or exhausting memory. */
const MAX_OUTPUT = 4 << 20;
const MAX_DEPTH = 100;

/**
 * A parsed Go text/template with its function map. `execute` renders a named template (the main
 * one by default) against a data value. Thread-safe: parsing is immutable, execution holds its
 * state in locals.
 */
export class Template {
  private readonly funcs: Record<string, TemplateFunc>;
  private readonly set: TemplateSet = new Map();

  /** Parses `src` as template `name`. Throws `TemplateError` with line and column. */
  constructor(
    readonly name: string,
    src: string,
    funcs: Readonly<Record<string, TemplateFunc>> = {},
  ) {
    this.funcs = { ...builtins(), ...funcs };
    parseTemplate(name, src, this.funcNames(), this.set);
  }

  private funcNames(): Set<string> {
    return new Set([...Object.keys(this.funcs), ...LAZY_BUILTINS]);
  }

  /** Parses more source into this set (for example shared `define`s of a templates file). */
  addSource(name: string, src: string): this {
    parseTemplate(name, src, this.funcNames(), this.set);
    return this;
  }

  /** Whether a template of that name is defined. */
  has(name: string): boolean {
    return this.set.has(name);
  }

  /** Renders template `name` (default: the main one) against `data`. */
  execute(data: unknown, name: string = this.name): string {
    const body = this.set.get(name);
    if (!body)
      throw new TemplateError(
        `template: no template ${JSON.stringify(name)} associated with template ${JSON.stringify(this.name)}`,
      );
    const st: State = {
      out: [],
      size: 0,
      vars: [{ name: '$', value: data }],
      depth: 0,
      tmpl: name,
    };
    this.walk(st, data, body);
    return st.out.join('');
  }

  private fail(st: State, pos: Pos, msg: string): never {
    throw new TemplateError(
      `template: ${st.tmpl}:${pos.line}:${pos.col}: executing ${JSON.stringify(st.tmpl)} at ${msg}`,
      pos,
    );
  }

  private emit(st: State, s: string, pos: Pos): void {
    st.size += s.length;
    if (st.size > MAX_OUTPUT)
      this.fail(st, pos, `<output>: output larger than ${MAX_OUTPUT} bytes`);
    st.out.push(s);
  }

  private walk(st: State, dot: unknown, list: readonly Node[]): void {
    for (const n of list) {
      switch (n.kind) {
        case 'text':
          this.emit(st, n.text, { line: 0, col: 0 });
          break;
        case 'action': {
          const v = this.pipe(st, dot, n.pipe);
          if (n.pipe.decl.length === 0) this.emit(st, v === undefined ? '' : printValue(v), n.pos);
          break;
        }
        case 'if':
        case 'with': {
          const mark = st.vars.length;
          const v = this.pipe(st, dot, n.pipe);
          if (truthy(v)) this.walk(st, n.kind === 'with' ? v : dot, n.list);
          else if (n.elseList) this.walk(st, dot, n.elseList);
          st.vars.length = mark;
          break;
        }
        case 'range':
          this.range(st, dot, n);
          break;
        case 'template': {
          const body = this.set.get(n.name);
          if (!body)
            this.fail(st, n.pos, `<{{template ${JSON.stringify(n.name)}}}>: no such template`);
          if (st.depth >= MAX_DEPTH)
            this.fail(st, n.pos, `<{{template}}>: exceeded maximum template depth (${MAX_DEPTH})`);
          const arg = n.pipe ? this.pipe(st, dot, n.pipe) : undefined;
          const inner: State = {
            ...st,
            vars: [{ name: '$', value: arg }],
            depth: st.depth + 1,
            tmpl: n.name,
          };
          this.walk(inner, arg, body);
          st.size = inner.size;
          break;
        }
        case 'break':
          throw new Break();
        case 'continue':
          throw new Continue();
      }
    }
  }

  private range(st: State, dot: unknown, n: Extract<Node, { kind: 'range' }>): void {
    const mark = st.vars.length;
    const decl = n.pipe.decl;
    const v = this.pipe(st, dot, { ...n.pipe, decl: [] });
    const items: [unknown, unknown][] = [];
    if (Array.isArray(v)) v.forEach((x, i) => items.push([new GoInt(i), x]));
    else if (v instanceof Map) [...v.keys()].sort().forEach((k) => items.push([k, v.get(k)]));
    else if (v instanceof GoInt || (typeof v === 'number' && Number.isInteger(v))) {
      for (let i = 0; i < Number(v); i++) items.push([new GoInt(i), new GoInt(i)]);
    } else if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      Object.keys(o)
        .sort()
        .forEach((k) => items.push([k, o[k]]));
    } else if (v !== undefined && v !== null)
      this.fail(st, n.pos, `<range>: range can't iterate over ${printValue(v)}`);
    if (items.length === 0) {
      if (n.elseList) this.walk(st, dot, n.elseList);
      return;
    }
    for (const [k, x] of items) {
      st.vars.length = mark;
      if (decl.length === 1) st.vars.push({ name: decl[0]!, value: x });
      if (decl.length === 2)
        st.vars.push({ name: decl[0]!, value: k }, { name: decl[1]!, value: x });
      try {
        this.walk(st, x, n.list);
      } catch (e) {
        if (e instanceof Break) break;
        if (!(e instanceof Continue)) throw e;
      }
    }
    st.vars.length = mark;
  }

  private pipe(st: State, dot: unknown, p: Pipeline): unknown {
    let v: unknown;
    let piped = false;
    for (const c of p.cmds) {
      v = this.command(st, dot, c, piped ? [v] : []);
      piped = true;
    }
    for (const name of p.decl) {
      if (p.isAssign) {
        for (let i = st.vars.length - 1; i >= 0; i--) {
          if (st.vars[i]!.name === name) {
            st.vars[i] = { name, value: v };
            break;
          }
        }
      } else st.vars.push({ name, value: v });
    }
    return v;
  }

  private command(st: State, dot: unknown, c: Command, piped: unknown[]): unknown {
    const first = c.args[0]!;
    const rest = c.args.slice(1);
    if (first.kind === 'identifier') {
      const name = first.name;
      if (name === 'and' || name === 'or') {
        const all = [...rest.map((a) => () => this.arg(st, dot, a)), ...piped.map((x) => () => x)];
        if (all.length === 0)
          this.fail(
            st,
            first.pos,
            `<${name}>: wrong number of args for ${name}: want at least 1 got 0`,
          );
        let last: unknown;
        for (const f of all) {
          last = f();
          if (name === 'and' ? !truthy(last) : truthy(last)) return last;
        }
        return last;
      }
      const fn = this.funcs[name];
      if (!fn) this.fail(st, first.pos, `<${name}>: function ${JSON.stringify(name)} not defined`);
      const args = [...rest.map((a) => this.arg(st, dot, a)), ...piped];
      try {
        return fn(...args);
      } catch (e) {
        if (e instanceof TemplateError) throw e;
        return this.fail(
          st,
          first.pos,
          `<${name}>: error calling ${name}: ${(e as Error).message}`,
        );
      }
    }
    const args = [...rest.map((a) => this.arg(st, dot, a)), ...piped];
    return this.operand(st, dot, first, args);
  }

  private arg(st: State, dot: unknown, a: Arg): unknown {
    if (a.kind === 'identifier') return this.command(st, dot, { args: [a], pos: a.pos }, []);
    return this.operand(st, dot, a, []);
  }

  private operand(st: State, dot: unknown, a: Arg, args: unknown[]): unknown {
    switch (a.kind) {
      case 'string':
      case 'number':
      case 'bool':
        if (args.length > 0)
          this.fail(
            st,
            a.pos,
            `<${printValue(a.value)}>: can't give argument to non-function ${printValue(a.value)}`,
          );
        return a.value;
      case 'nil':
        return this.fail(st, a.pos, '<nil>: nil is not a command');
      case 'dot':
        if (args.length > 0) this.fail(st, a.pos, "<.>: can't give argument to non-function .");
        return dot;
      case 'field':
        return this.chain(st, dot, a.names, args, a.pos);
      case 'variable': {
        const v = this.lookup(st, a.name, a.pos);
        return a.names.length === 0 ? v : this.chain(st, v, a.names, args, a.pos);
      }
      case 'pipe': {
        const v = this.pipe(st, dot, a.pipe);
        return a.names.length === 0 ? v : this.chain(st, v, a.names, args, a.pos);
      }
      case 'identifier':
        return this.command(st, dot, { args: [a], pos: a.pos }, args);
    }
  }

  private lookup(st: State, name: string, pos: Pos): unknown {
    for (let i = st.vars.length - 1; i >= 0; i--)
      if (st.vars[i]!.name === name) return st.vars[i]!.value;
    return this.fail(st, pos, `<${name}>: undefined variable: ${name}`);
  }

  private chain(
    st: State,
    recv: unknown,
    names: readonly string[],
    args: unknown[],
    pos: Pos,
  ): unknown {
    let v = recv;
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const last = i === names.length - 1;
      if (v === undefined || v === null) {
        if (!last) this.fail(st, pos, `<.${name}>: nil pointer evaluating .${name}`);
        return undefined;
      }
      if (last && args.length > 0) {
        const f = typeof v === 'object' ? (v as Record<string, unknown>)[name] : undefined;
        if (typeof f !== 'function')
          this.fail(st, pos, `<.${name}>: can't give argument to non-function .${name}`);
        try {
          return (f as TemplateFunc).apply(v, args);
        } catch (e) {
          return this.fail(st, pos, `<.${name}>: error calling ${name}: ${(e as Error).message}`);
        }
      }
      if (typeof v !== 'object')
        this.fail(st, pos, `<.${name}>: can't evaluate field ${name} in type ${typeof v}`);
      v = field(v, name).value;
    }
    return v;
  }
}

interface State {
  out: string[];
  size: number;
  vars: { name: string; value: unknown }[];
  depth: number;
  tmpl: string;
}
