/** The InfluxDB line protocol decoder. */
export {
  detachString,
  parseLineProtocol,
  parsePrecision,
  pointSeriesKey,
  pointTags,
  type FieldType,
  type LineError,
  type Point,
  type Precision,
} from './lineprotocol.js';
