/** Configuration: Kansoku's own flags and settings, Prometheus durations and byte sizes. */
export {
  DurationError,
  formatBytes,
  formatDuration,
  parseBytes,
  parseDuration,
} from './duration.js';
export {
  FlagError,
  checkValue,
  flagText,
  formatFlagHelp,
  parseArgv,
  type FlagKind,
  type FlagSpec,
  type ParsedArgs,
} from './flags.js';
export {
  SERVER_FLAGS,
  isLoopbackHost,
  serverFlagsFrom,
  splitHostPort,
  type HostPort,
  type LogFormatSetting,
  type LogLevelSetting,
  type ServerFlags,
} from './server-flags.js';
