import type { Pos } from './ast.js';

/** A template that cannot be parsed or executed; the message carries name, line and column. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  constructor(
    message: string,
    readonly pos?: Pos,
  ) {
    super(message);
  }
}
