/** One problem found in a rule file, positioned as precisely as known. */
export interface RuleIssue {
  /** The full message, for example `3:5: group "g", rule 1, "r": invalid label name: a-b`. */
  readonly message: string;
  readonly group?: string | undefined;
  /** 1-based rule index inside its group. */
  readonly rule?: number | undefined;
  readonly line?: number | undefined;
}

/** A rule file that cannot be loaded: every problem found, prefixed with the file name. */
export class RuleFileError extends Error {
  override readonly name = 'RuleFileError';
  constructor(
    readonly file: string,
    readonly issues: readonly RuleIssue[],
  ) {
    super(`cannot load rule file ${file}: ${issues.map((i) => i.message).join('; ')}`);
  }

  /** The issues as promtool prints them, one `file: message` per line. */
  lines(): string[] {
    return this.issues.map((i) => `${this.file}: ${i.message}`);
  }
}

/** A rule unit-test file that cannot be read or run. */
export class RuleTestError extends Error {
  override readonly name = 'RuleTestError';
}
