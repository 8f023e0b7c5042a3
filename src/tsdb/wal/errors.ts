/** Errors of the write-ahead log. */

/**
 * A WAL segment or checkpoint holds bytes that are not a valid record (a torn write, a checksum
 * mismatch, a damaged header). Replay logs it as a warning and truncates; checkpointing fails
 * with it and keeps every file as it was.
 */
export class WalCorruptionError extends Error {
  override readonly name = 'WalCorruptionError';
  constructor(
    /** The file (segment or checkpoint file) holding the bad bytes. */
    readonly file: string,
    /** Byte offset in the file of the first bad record. */
    readonly offset: number,
    /** What is wrong, for example "checksum mismatch". */
    readonly reason: string,
  ) {
    super(`cannot read WAL file ${file} at offset ${offset}: ${reason}`);
  }
}
