/** The InfluxDB line protocol decoder. */
export {
  parseLineProtocol,
  parsePrecision,
  type FieldType,
  type LineError,
  type Point,
  type Precision,
} from './lineprotocol.js';
