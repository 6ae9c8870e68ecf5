// One connection of one logical client process: connect lazily, never queue offline, never
// retry (a retried write would be a second op the history does not show), time out per op.
import { Redis } from 'ioredis';
import type { NodeAddress } from './backends/backend.js';

const CONNECT_TIMEOUT_MS = 1000;

export function opClient(node: NodeAddress, opTimeoutMs: number): Redis {
  const c = new Redis({
    host: node.host,
    port: node.clientPort,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    enableReadyCheck: false,
    autoResubscribe: false,
    autoResendUnfulfilledCommands: false,
    commandTimeout: opTimeoutMs,
    connectTimeout: CONNECT_TIMEOUT_MS,
  });
  // Every failure also rejects the command that met it, which is where the history records it;
  // the 'error' event only needs a listener so ioredis does not report it as unhandled.
  c.on('error', () => undefined);
  return c;
}
