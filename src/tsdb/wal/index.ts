/**
 * The write-ahead log of the embedded TSDB: binary, CRC-checked records in numbered segment
 * files, group commit with a stated fsync policy, torn-tail truncation on replay, and
 * checkpoints. The byte layout is specified in docs/format/wal.md.
 */
export {
  Wal,
  defaultWalOptions,
  walFsFromEnv,
  type WalFsyncPolicy,
  type WalOptions,
  type WalStats,
} from './wal.js';
export type { WalRecord, WalRecordKind } from './record.js';
export type { WalReplayStats } from './replay.js';
export { WalCorruptionError } from './errors.js';
export {
  errnoCode,
  isDiskFull,
  nodeWalFs,
  type WalFile,
  type WalFs,
  type WalOpenMode,
} from './fs.js';
export { crc32, crc32Table, HAS_NATIVE_CRC32, type Crc32Fn } from '../../util/index.js';
export {
  FaultInjectingFs,
  WAL_FAULT_FILE_ENV,
  controlledFaultFs,
  type FaultFsCounters,
} from './faultfs.js';
