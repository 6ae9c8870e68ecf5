// INFO: Redis's sections and field names, plus `raft`.
import { cpuUsage, memoryUsage } from 'node:process';
import { arch, platform, release } from 'node:os';
import type { Replicator } from '../raft/replicator.js';
import type { StateMachine } from '../state-machine/state-machine.js';
import type { Store } from '../state-machine/store.js';
import { DATABASES } from '../state-machine/keyspace.js';
import type { Config } from './config.js';
import type { Connection } from './connection.js';
import type { CommandStats } from './stats.js';

export interface InfoSources {
  readonly server: { readonly startTimeMs: number; readonly runId: string; lastSaveUnixSec(): number; readonly pubsub: { numChannels(): number; numpat(): number }; readonly blocking: { followerBlockedCount(): number } };
  readonly config: Config;
  readonly stats: CommandStats;
  readonly connections: readonly Connection[];
  readonly sm: StateMachine;
  readonly store: Store;
  readonly replicator: Replicator;
  readonly port: number;
}

export const VERSION = '7.0.15';
type Fields = [string, string | number][];

const SECTIONS: Record<string, (s: InfoSources) => Fields> = {
  server: (s) => {
    const uptimeSec = Math.floor((Date.now() - s.server.startTimeMs) / 1000);
    return [
      ['redis_version', VERSION],
      ['pikiraft_version', '0.1.0'],
      ['redis_mode', 'standalone'],
      ['os', `${platform()} ${release()} ${arch()}`],
      ['arch_bits', 64],
      ['multiplexing_api', 'epoll'],
      ['process_id', process.pid],
      ['process_supervised', 'no'],
      ['run_id', s.server.runId],
      ['tcp_port', s.port],
      ['server_time_usec', Date.now() * 1000],
      ['uptime_in_seconds', uptimeSec],
      ['uptime_in_days', Math.floor(uptimeSec / 86400)],
      ['hz', s.config.int('hz')],
      ['executable', process.argv[1] ?? ''],
      ['config_file', s.config.file ?? ''],
    ];
  },
  clients: (s) => [
    ['connected_clients', s.connections.length],
    ['maxclients', s.config.int('maxclients')],
    ['client_recent_max_input_buffer', Math.max(0, ...s.connections.map((c) => c.queryBufferBytes))],
    ['blocked_clients', s.connections.filter((c) => c.isBlocked).length],
    ['follower_blocked_clients', s.server.blocking.followerBlockedCount()],
  ],
  memory: () => {
    const m = memoryUsage();
    return [
      ['used_memory', m.heapUsed + m.external],
      ['used_memory_human', human(m.heapUsed + m.external)],
      ['used_memory_rss', m.rss],
      ['used_memory_rss_human', human(m.rss)],
      ['used_memory_peak', m.rss],
      ['maxmemory', 0],
      ['maxmemory_policy', 'noeviction'],
      ['mem_allocator', 'rocksdb+v8'],
    ];
  },
  persistence: (s) => [
    ['loading', 0],
    ['rdb_changes_since_last_save', 0],
    ['rdb_bgsave_in_progress', 0],
    ['rdb_last_save_time', s.server.lastSaveUnixSec()],
    ['aof_enabled', 1],
    ['aof_rewrite_in_progress', 0],
    ['raft_applied_index', s.sm.appliedIndex],
  ],
  stats: (s) => [
    ['total_connections_received', s.stats.totalConnections],
    ['total_commands_processed', s.stats.totalCommands],
    ['rejected_connections', s.stats.rejectedConnections],
    ['expired_keys', s.sm.expiredKeys],
    ['keyspace_hits', s.sm.keyLookups.hits],
    ['keyspace_misses', s.sm.keyLookups.misses],
    ['pubsub_channels', s.server.pubsub.numChannels()],
    ['pubsub_patterns', s.server.pubsub.numpat()],
    ['total_error_replies', s.stats.errorReplies],
    ['rocksdb_read_batches', s.store.stats.readBatches],
    ['rocksdb_reads', s.store.stats.reads],
    ['rocksdb_write_batches', s.store.stats.writeBatches],
    ['gc_tasks_done', s.sm.gcTasksDone],
  ],
  replication: (s) => {
    // Redis tools read role from here: the Raft leader is the master, everyone else a replica of it.
    if (s.replicator.isLeader) {
      return [
        ['role', 'master'],
        ['connected_slaves', 0],
        ['master_replid', s.server.runId],
        ['master_repl_offset', s.sm.appliedIndex],
      ];
    }
    const leader = s.replicator.leader();
    const sep = leader ? leader.clientAddress.lastIndexOf(':') : -1;
    return [
      ['role', 'slave'],
      ['master_host', leader ? leader.clientAddress.slice(0, sep) : ''],
      ['master_port', leader ? leader.clientAddress.slice(sep + 1) : ''],
      ['master_link_status', leader ? 'up' : 'down'],
      ['slave_repl_offset', s.sm.appliedIndex],
      ['slave_read_only', 1],
      ['connected_slaves', 0],
      ['master_replid', s.server.runId],
      ['master_repl_offset', s.sm.appliedIndex],
    ];
  },
  cpu: () => {
    const c = cpuUsage();
    return [
      ['used_cpu_sys', (c.system / 1e6).toFixed(6)],
      ['used_cpu_user', (c.user / 1e6).toFixed(6)],
    ];
  },
  commandstats: (s) =>
    [...s.stats.commands.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, c]) => [
        `cmdstat_${name}`,
        `calls=${c.calls},usec=${c.usec},usec_per_call=${c.calls ? (c.usec / c.calls).toFixed(2) : '0.00'},rejected_calls=${c.rejectedCalls},failed_calls=${c.failedCalls}`,
      ]),
  errorstats: (s) => [...s.stats.errorCounts.entries()].map(([code, n]) => [`errorstat_${code}`, `count=${n}`]),
  raft: (s) => s.replicator.info(),
  keyspace: (s) => {
    const out: Fields = [];
    for (let db = 0; db < DATABASES; db++) {
      const c = s.sm.countsOf(db);
      if (c.keys > 0) out.push([`db${db}`, `keys=${c.keys},expires=${c.expires},avg_ttl=0`]);
    }
    return out;
  },
};

const DEFAULT_SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'errorstats', 'raft', 'keyspace'];
const ALL_SECTIONS = [...DEFAULT_SECTIONS.slice(0, -1), 'commandstats', 'keyspace'];

const TITLES: Record<string, string> = { commandstats: 'Commandstats', errorstats: 'Errorstats', cpu: 'CPU', raft: 'Raft' };

export function renderInfo(requested: readonly string[], s: InfoSources): string {
  let names: string[];
  const lower = requested.map((r) => r.toLowerCase());
  if (lower.length === 0 || lower.includes('default')) names = DEFAULT_SECTIONS;
  else if (lower.includes('all') || lower.includes('everything')) names = ALL_SECTIONS;
  else names = ALL_SECTIONS.filter((n) => lower.includes(n));
  const parts: string[] = [];
  for (const name of names) {
    const title = TITLES[name] ?? name[0]!.toUpperCase() + name.slice(1);
    const fields = SECTIONS[name]!(s);
    parts.push([`# ${title}`, ...fields.map(([k, v]) => `${k}:${v}`)].join('\r\n'));
  }
  return parts.join('\r\n\r\n') + (parts.length ? '\r\n' : '');
}

function human(bytes: number): string {
  const units = ['B', 'K', 'M', 'G', 'T'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${bytes}B` : `${v.toFixed(2)}${units[i]}`;
}
