// The full command table: every family registers its commands here.
import { bitmapCommands } from './bitmap.js';
import { blockingCommands } from './blocking.js';
import { clusterCommands } from './cluster.js';
import { connectionCommands } from './connection.js';
import { geoCommands } from './geo.js';
import { hashCommands } from './hash.js';
import { hyperloglogCommands } from './hyperloglog.js';
import { transactionCommands } from './transaction.js';
import { keyspaceCommands } from './keyspace.js';
import { listCommands } from './list.js';
import { pubsubCommands } from './pubsub.js';
import { serverCommands } from './server.js';
import { setCommands } from './set.js';
import { sortCommands } from './sort.js';
import { stringCommands } from './string.js';
import { streamCommands } from './stream.js';
import { streamGroupCommands } from './stream-group.js';
import { streamInfoCommand } from './stream-info.js';
import { streamReadCommands } from './stream-read.js';
import { zsetCommands } from './zset.js';
import { CommandTable } from './table.js';

export function buildCommandTable(): CommandTable {
  const families = [...listCommands, ...zsetCommands];
  const blocking = blockingCommands((name) => families.find((c) => c.name === name));
  return new CommandTable([...connectionCommands, ...stringCommands, ...hashCommands, ...listCommands, ...setCommands, ...zsetCommands, ...blocking, ...keyspaceCommands, ...sortCommands, ...geoCommands, ...pubsubCommands, ...serverCommands, ...clusterCommands, ...transactionCommands, ...bitmapCommands, ...hyperloglogCommands, ...streamCommands, ...streamReadCommands, ...streamGroupCommands, streamInfoCommand]);
}
