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
