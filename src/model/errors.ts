/** Marker base class for errors that come from the client's input (HTTP 400 at the edge). */
export class BadInputError extends Error {
  override readonly name: string = 'BadInputError';
}

/** A sample was rejected because the same timestamp already holds a different value. */
export class DuplicateSampleError extends BadInputError {
  override readonly name = 'DuplicateSampleError';
}

/** A sample is too old for the storage (outside the out-of-order window or retention). */
export class OutOfBoundsError extends BadInputError {
  override readonly name = 'OutOfBoundsError';
}

/** A write failed because the storage cannot accept it now (disk full, budget exhausted). */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError';
  constructor(
    message: string,
    /** Whether the cause is lack of disk space (HTTP 507) rather than another fault (503). */
    readonly diskFull: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A limit was exceeded; the message names the setting to change. */
export class LimitError extends Error {
  override readonly name = 'LimitError';
  constructor(
    message: string,
    /** The name of the setting (flag or config key) that bounds this. */
    readonly setting: string,
  ) {
    super(message);
  }
}
