/** The kinds of PromQL tokens and the words (keywords, operators) that produce them. */

/** Binary and other operators; `@` counts as an operator like in Prometheus. */
export type OperatorKind =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '^'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '</'
  | '>/'
  | '=~'
  | '!~'
  | '@'
  | 'and'
  | 'or'
  | 'unless'
  | 'atan2';

/** Aggregation operator keywords. */
export type AggregatorKind =
  | 'sum'
  | 'avg'
  | 'count'
  | 'min'
  | 'max'
  | 'group'
  | 'stddev'
  | 'stdvar'
  | 'topk'
  | 'bottomk'
  | 'count_values'
  | 'quantile'
  | 'limitk'
  | 'limit_ratio';

/** Modifier keywords. */
export type KeywordKind =
  | 'offset'
  | 'smoothed'
  | 'anchored'
  | 'by'
  | 'without'
  | 'on'
  | 'ignoring'
  | 'group_left'
  | 'group_right'
  | 'fill'
  | 'fill_left'
  | 'fill_right'
  | 'bool';

/** Words that act as functions in special positions (`@ start()`, `[step()]`, …). */
export type PreprocessorKind = 'start' | 'end' | 'step' | 'range' | 'max_of' | 'min_of';

/** Punctuation that is not an operator. */
export type PunctuationKind = '(' | ')' | '{' | '}' | '[' | ']' | ',' | '=' | ':';

/** Every token kind. `ERROR` carries the lexer's message in `val`. */
export type TokenKind =
  | OperatorKind
  | AggregatorKind
  | KeywordKind
  | PreprocessorKind
  | PunctuationKind
  | 'IDENTIFIER'
  | 'METRIC_IDENTIFIER'
  | 'NUMBER'
  | 'DURATION'
  | 'STRING'
  | 'EOF'
  | 'ERROR';

/** A token: its kind, start offset and source text (for `ERROR`, the message). */
export interface Token {
  readonly kind: TokenKind;
  readonly pos: number;
  readonly val: string;
}

/** The token kinds of words with a special meaning. */
export type WordKind = OperatorKind | AggregatorKind | KeywordKind | PreprocessorKind | 'NUMBER';

const OPERATOR_WORDS = ['and', 'or', 'unless', 'atan2'] as const;
const AGGREGATORS: readonly AggregatorKind[] = [
  'sum',
  'avg',
  'count',
  'min',
  'max',
  'group',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'count_values',
  'quantile',
  'limitk',
  'limit_ratio',
];
const KEYWORDS: readonly KeywordKind[] = [
  'offset',
  'smoothed',
  'anchored',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'fill',
  'fill_left',
  'fill_right',
  'bool',
];
const PREPROCESSORS: readonly PreprocessorKind[] = [
  'start',
  'end',
  'step',
  'range',
  'max_of',
  'min_of',
];

/** Words (lower-cased) the lexer turns into special tokens; `inf` and `nan` become numbers. */
export const WORDS: ReadonlyMap<string, WordKind> = new Map<string, WordKind>([
  ...OPERATOR_WORDS.map((w) => [w, w] as const),
  ...AGGREGATORS.map((w) => [w, w] as const),
  ...KEYWORDS.map((w) => [w, w] as const),
  ...PREPROCESSORS.map((w) => [w, w] as const),
  ['inf', 'NUMBER'],
  ['nan', 'NUMBER'],
]);

const AGGREGATOR_SET: ReadonlySet<string> = new Set(AGGREGATORS);
const KEYWORD_SET: ReadonlySet<string> = new Set(KEYWORDS);
const PREPROCESSOR_SET: ReadonlySet<string> = new Set(PREPROCESSORS);
const OPERATOR_SET: ReadonlySet<string> = new Set<string>([
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '</',
  '>/',
  '=~',
  '!~',
  '@',
  ...OPERATOR_WORDS,
]);

/** Whether the kind is an aggregation operator keyword. */
export function isAggregatorKind(k: TokenKind): k is AggregatorKind {
  return AGGREGATOR_SET.has(k);
}
/** Whether the kind is a modifier keyword. */
export function isKeywordKind(k: TokenKind): k is KeywordKind {
  return KEYWORD_SET.has(k);
}
/** Whether the kind is a preprocessor word (`start`, `end`, `step`, `range`, `max_of`, `min_of`). */
export function isPreprocessorKind(k: TokenKind): k is PreprocessorKind {
  return PREPROCESSOR_SET.has(k);
}
/** Whether the kind is an operator (including `@`). */
export function isOperatorKind(k: TokenKind): k is OperatorKind {
  return OPERATOR_SET.has(k);
}
