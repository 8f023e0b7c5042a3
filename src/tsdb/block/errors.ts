/** Typed errors of the block layer. */

/**
 * A block file does not hold what its format promises: bad magic, checksum mismatch, truncated
 * data or an impossible value. Names the file (relative to the block directory) and the byte
 * offset where the problem was found, so an operator can inspect or delete the block.
 */
export class CorruptBlockError extends Error {
  override readonly name = 'CorruptBlockError';
  constructor(
    /** The block directory, or '' when unknown. */
    readonly dir: string,
    /** The file inside the block directory, for example `index` or `chunks/000001`. */
    readonly file: string,
    /** Byte offset inside the file where the problem was found. */
    readonly offset: number,
    /** What is wrong, for example `checksum mismatch`. */
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(
      `cannot read block ${dir === '' ? '' : dir + ' '}file ${file} at offset ${offset}: ${reason}`,
      options,
    );
  }
}

/** A block was used after `close()`. */
export class BlockClosedError extends Error {
  override readonly name = 'BlockClosedError';
}

/** The caller broke a precondition of the block writer (for example unsorted series). */
export class BlockWriteError extends Error {
  override readonly name = 'BlockWriteError';
}
