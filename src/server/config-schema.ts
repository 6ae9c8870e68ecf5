// Every configuration key, declared once: type, default, doc, and whether CONFIG SET may change it.
// Names follow redis.conf (and pika.conf where Pika has the key).

export type ConfigType = 'int' | 'bytes' | 'string' | 'bool' | 'enum' | 'ms';

export interface ConfigKey {
  readonly name: string;
  readonly type: ConfigType;
  readonly default: string;
  readonly doc: string;
  /** May be changed at runtime with CONFIG SET. */
  readonly mutable: boolean;
  readonly values?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly aliases?: readonly string[];
}

export const CONFIG_KEYS: readonly ConfigKey[] = [
  { name: 'port', type: 'int', default: '9221', doc: 'TCP port for Redis clients (Pika uses 9221).', mutable: false, min: 0, max: 65535 },
  { name: 'bind', type: 'string', default: '127.0.0.1', doc: 'Addresses to listen on, space separated.', mutable: false },
  { name: 'dir', type: 'string', default: './data', doc: 'Data directory: RocksDB, the log and the node id live here.', mutable: false },
  { name: 'loglevel', type: 'enum', default: 'info', values: ['trace', 'debug', 'verbose', 'info', 'notice', 'warning'], doc: 'Log level (Redis names; verbose=debug, notice=info).', mutable: true },
  { name: 'logfile', type: 'string', default: '', doc: 'Log file path; empty logs to stdout (pretty when a TTY).', mutable: false },
  { name: 'databases', type: 'int', default: '16', doc: 'Number of logical databases (fixed at 16).', mutable: false, min: 16, max: 16 },
  { name: 'maxclients', type: 'int', default: '10000', doc: 'Connections beyond this get "ERR max number of clients reached".', mutable: true, min: 1 },
  { name: 'timeout', type: 'int', default: '0', doc: 'Close idle clients after this many seconds (0 = never).', mutable: true, min: 0 },
  { name: 'requirepass', type: 'string', default: '', doc: 'Password for the default user; empty = no authentication.', mutable: true },
  { name: 'proto-max-bulk-len', type: 'bytes', default: '512mb', doc: 'Largest bulk string a client may send.', mutable: true, min: 1024 * 1024 },
  { name: 'client-query-buffer-limit', type: 'bytes', default: '1gb', doc: 'Unparsed input a client may accumulate before it is closed.', mutable: true, min: 1024 * 1024 },
  { name: 'tcp-keepalive', type: 'int', default: '300', doc: 'TCP keepalive interval in seconds (0 = off).', mutable: false, min: 0 },
  { name: 'hz', type: 'int', default: '10', doc: 'Background task frequency per second (active expiry, GC).', mutable: true, min: 1, max: 500 },
  { name: 'active-expire-keys-per-cycle', type: 'int', default: '200', doc: 'Expired keys proposed for deletion per background cycle.', mutable: true, min: 1 },
  { name: 'wal-segment-bytes', type: 'bytes', default: '16mb', doc: 'Size of a write-ahead log segment file (preallocated, so two exist on disk from the start).', mutable: false, min: 1024 * 1024 },
  { name: 'log-compact-entries', type: 'int', default: '10000', doc: 'Applied entries kept in the log before it is compacted (after a RocksDB flush).', mutable: true, min: 100 },
  { name: 'raft-node-id', type: 'int', default: '1', doc: 'This node\'s Raft id; recorded in the data directory on first start and checked on every later one.', mutable: false, min: 1, max: 4294967295 },
  { name: 'raft-peers', type: 'string', default: '', doc: 'Every member as id@host:raftport[/clientport], comma separated, this node included; empty = a one-member cluster. The client port defaults to raftport-10000.', mutable: false },
  { name: 'raft-cluster-id', type: 'int', default: '1', doc: 'Nodes refuse Raft traffic from another cluster id.', mutable: false, min: 1 },
  { name: 'raft-tick-ms', type: 'int', default: '100', doc: 'Raft tick: the heartbeat interval is raft-heartbeat-ticks of these, the election timeout raft-election-ticks (randomized up to twice that).', mutable: false, min: 1, max: 10000 },
  { name: 'raft-election-ticks', type: 'int', default: '10', doc: 'Election timeout in ticks (must exceed raft-heartbeat-ticks).', mutable: false, min: 2, max: 1000 },
  { name: 'raft-heartbeat-ticks', type: 'int', default: '1', doc: 'Heartbeat interval in ticks.', mutable: false, min: 1, max: 100 },
  { name: 'read-consistency', type: 'enum', default: 'linearizable', values: ['linearizable', 'lease', 'stale'], doc: 'linearizable: ReadIndex round per batch of reads; lease: the leader serves reads under its CheckQuorum lease (assumes bounded clock drift); stale: read local state without any check.', mutable: false },
  { name: 'follower-mode', type: 'enum', default: 'proxy', values: ['proxy', 'redirect'], doc: 'What a follower does with a write: proxy it to the leader, or answer -MOVED 0 leader-host:port.', mutable: true },
  { name: 'raft-request-timeout-ms', type: 'int', default: '5000', doc: 'How long a write or read waits for the cluster before the client gets -TIMEOUT (writes: outcome unknown) or -CLUSTERDOWN.', mutable: true, min: 10 },
  { name: 'daemonize', type: 'bool', default: 'no', doc: 'Accepted for redis.conf compatibility; pikiraft always runs in the foreground.', mutable: false, values: ['no'] },
  { name: 'save', type: 'string', default: '', doc: 'Accepted for redis.conf compatibility; every write is durable before it is acknowledged.', mutable: true },
  { name: 'appendonly', type: 'bool', default: 'yes', doc: 'Accepted for redis.conf compatibility; the Raft log is always on.', mutable: false, values: ['yes'] },
  { name: 'debug-clock-offset-ms', type: 'int', default: '0', doc: 'Test only (chaos clock skew): added to the wall clock this node stamps on proposals and uses for expiry. Raft timing (elections, lease) runs on ticks and is unaffected.', mutable: true, min: -86400000, max: 86400000 },
];

const byName = new Map<string, ConfigKey>();
for (const key of CONFIG_KEYS) {
  byName.set(key.name, key);
  for (const alias of key.aliases ?? []) byName.set(alias, key);
}

export function configKey(name: string): ConfigKey | undefined {
  return byName.get(name.toLowerCase());
}
