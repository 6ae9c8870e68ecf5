// The one place transport credentials are made. Insecure for now; mTLS between
// nodes (DESIGN "Operations") replaces both functions and nothing else.
import * as grpc from '@grpc/grpc-js';

export function serverCredentials(): grpc.ServerCredentials {
  return grpc.ServerCredentials.createInsecure();
}

export function channelCredentials(): grpc.ChannelCredentials {
  return grpc.credentials.createInsecure();
}
