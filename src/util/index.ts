/** Small domain-free helpers. */
export {
  Logger,
  defaultLoggerOptions,
  type LogFields,
  type LogFormat,
  type LogLevel,
  type LoggerOptions,
  type LogSink,
} from './log.js';
export {
  GoDuration,
  GoInt,
  SafeHTML,
  Template,
  TemplateError,
  formatFloat,
  goTime,
  printValue,
  prometheusFuncs,
  sprintf,
  truthy,
  type PrometheusFuncOptions,
  type TemplateFunc,
  type TemplateSample,
} from './gotemplate/index.js';
export { HAS_NATIVE_CRC32, crc32, crc32Table, type Crc32Fn } from './crc32.js';
