/** The InfluxDB line protocol decoder. */
export {
  parseLineProtocol,
  parsePrecision,
  pointTags,
  type FieldType,
  type LineError,
  type Point,
  type Precision,
} from './lineprotocol.js';
