/** Pure decoders of the wire formats Kansoku ingests: bytes in, reusable rows out, precise errors. */
export * from './exposition/index.js';
export * from './lineprotocol/index.js';
export * from './otlp/index.js';
export * from './remoteread/index.js';
export * from './remotewrite/index.js';
