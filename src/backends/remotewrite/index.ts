/** Remote write out: a disk-backed store-and-forward queue implementing `Appendable`. */
export {
  RemoteWriteQueue,
  defaultRemoteWriteOptions,
  type RemoteWriteOptions,
  type RemoteWriteStats,
} from './queue.js';
