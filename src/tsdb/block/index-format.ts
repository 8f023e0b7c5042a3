/** Constants of the index file format; see docs/format/index.md. */

/** Magic number at the start of an index file ("KSIX"). */
export const INDEX_MAGIC = 0x4b534958;
/** Format version of the index file. */
export const INDEX_VERSION = 1;
/** Size of the header: magic (4), version (1), padding (3). */
export const INDEX_HEADER_SIZE = 8;
/** Size of the table of contents at the end: four 64-bit offsets and a CRC-32. */
export const INDEX_TOC_SIZE = 4 * 8 + 4;
/** Name of the index file inside a block directory. */
export const INDEX_FILE = 'index';
