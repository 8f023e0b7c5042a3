/** Syntax tree of Go's text/template language (the subset Prometheus and Alertmanager use, and more). */

/** A position in the template source (1-based line and column) for error messages. */
export interface Pos {
  readonly line: number;
  readonly col: number;
}

/** An argument or command operand. */
export type Arg =
  | { readonly kind: 'field'; readonly names: readonly string[]; readonly pos: Pos }
  | {
      readonly kind: 'variable';
      readonly name: string;
      readonly names: readonly string[];
      readonly pos: Pos;
    }
  | { readonly kind: 'dot'; readonly pos: Pos }
  | { readonly kind: 'identifier'; readonly name: string; readonly pos: Pos }
  | { readonly kind: 'string'; readonly value: string; readonly pos: Pos }
  | { readonly kind: 'number'; readonly value: number; readonly pos: Pos }
  | { readonly kind: 'bool'; readonly value: boolean; readonly pos: Pos }
  | { readonly kind: 'nil'; readonly pos: Pos }
  | {
      readonly kind: 'pipe';
      readonly pipe: Pipeline;
      readonly names: readonly string[];
      readonly pos: Pos;
    };

/** One command of a pipeline: a function, method or value with arguments. */
export interface Command {
  readonly args: readonly Arg[];
  readonly pos: Pos;
}

/** `$x := cmd | cmd` */
export interface Pipeline {
  readonly decl: readonly string[];
  /** true for `=` (assignment to existing variables), false for `:=`. */
  readonly isAssign: boolean;
  readonly cmds: readonly Command[];
  readonly pos: Pos;
}

/** A node of the template body. */
export type Node =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'action'; readonly pipe: Pipeline; readonly pos: Pos }
  | {
      readonly kind: 'if' | 'with';
      readonly pipe: Pipeline;
      readonly list: Node[];
      readonly elseList: Node[] | undefined;
      readonly pos: Pos;
    }
  | {
      readonly kind: 'range';
      readonly pipe: Pipeline;
      readonly list: Node[];
      readonly elseList: Node[] | undefined;
      readonly pos: Pos;
    }
  | {
      readonly kind: 'template';
      readonly name: string;
      readonly pipe: Pipeline | undefined;
      readonly pos: Pos;
    }
  | { readonly kind: 'break' | 'continue'; readonly pos: Pos };
