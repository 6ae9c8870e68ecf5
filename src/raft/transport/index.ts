export { GrpcTransport, type ForwardedCommand, type TransportHandlers, type TransportStats } from './transport.js';
export type { ForwardKind } from './codec.js';
export type { ForwardCallOptions } from './forward-client.js';
export { TRANSPORT_DEFAULTS, type TransportLogger, type TransportOptions } from './options.js';
export type { PeerStats } from './peer-stream.js';
export type { BackoffConfigMs } from './backoff.js';
export {
  ForwardError,
  ForwardIndeterminateError,
  ForwardRejectedError,
  ForwardUnreachableError,
  type ForwardErrorCode,
} from './errors.js';
