// Loads configuration from a redis.conf-syntax file and --flags, validates every value against
// the schema, and serves CONFIG GET/SET/REWRITE. Unknown keys and bad values are refused with
// a message naming the key.
import { parsePeers, RAFT_PORT_OFFSET, type PeerAddress } from '../raft/peers.js';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { splitArgs } from '../resp/split-args.js';
import { configKey, CONFIG_KEYS, type ConfigKey } from './config-schema.js';
import { globMatch } from '../util/glob.js';

export class ConfigError extends Error {}

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1000, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 };

/** Redis's memtoll: "512mb", "1gb", "100k"; case-insensitive units. */
export function parseBytes(text: string): number | null {
  const m = /^(-?\d+)([a-z]*)$/i.exec(text.trim());
  if (!m) return null;
  const unit = UNITS[m[2]!.toLowerCase()];
  return unit === undefined ? null : Number(m[1]) * unit;
}

/** Validates and normalizes a value; returns an error text naming the key on failure. */
function normalize(key: ConfigKey, raw: string): { value: string } | { error: string } {
  const bad = (why: string): { error: string } => ({ error: `invalid value '${raw}' for config '${key.name}': ${why}` });
  switch (key.type) {
    case 'int':
    case 'ms': {
      if (!/^-?\d+$/.test(raw)) return bad('not an integer');
      const n = Number(raw);
      if (key.min !== undefined && n < key.min) return bad(`must be at least ${key.min}`);
      if (key.max !== undefined && n > key.max) return bad(`must be at most ${key.max}`);
      return { value: String(n) };
    }
    case 'bytes': {
      const n = parseBytes(raw);
      if (n === null) return bad('not a size (e.g. 512mb)');
      if (key.min !== undefined && n < key.min) return bad(`must be at least ${key.min} bytes`);
      return { value: String(n) };
    }
    case 'bool': {
      const v = raw.toLowerCase();
      if (v !== 'yes' && v !== 'no') return bad("must be 'yes' or 'no'");
      if (key.values && !key.values.includes(v)) return bad(`only '${key.values.join("', '")}' is supported`);
      return { value: v };
    }
    case 'enum': {
      const v = raw.toLowerCase();
      if (!key.values!.includes(v)) return bad(`must be one of ${key.values!.join(', ')}`);
      return { value: v };
    }
    case 'string':
      return { value: raw };
  }
}

export class Config {
  private readonly values = new Map<string, string>();
  /** Keys set by the file or flags, in order, for CONFIG REWRITE. */
  private readonly explicit = new Set<string>();
  onChange: (name: string, value: string) => void = () => {};

  constructor(readonly file: string | null) {
    for (const key of CONFIG_KEYS) this.values.set(key.name, normalizeOrThrow(key, key.default));
  }

  /** `pikiraft-server [config-file] [--key value ...]` */
  static fromArgs(args: readonly string[]): Config {
    let file: string | null = null;
    let i = 0;
    if (args[0] !== undefined && !args[0].startsWith('--')) {
      file = args[0];
      i = 1;
    }
    const config = new Config(file);
    if (file !== null) config.loadFile(file);
    while (i < args.length) {
      const flag = args[i]!;
      if (!flag.startsWith('--')) throw new ConfigError(`unexpected argument '${flag}' (options look like --port 9221)`);
      const name = flag.slice(2);
      const values: string[] = [];
      i++;
      while (i < args.length && !args[i]!.startsWith('--')) values.push(args[i++]!);
      if (values.length === 0) throw new ConfigError(`option --${name} needs a value`);
      config.setStartup(name, values.join(' '));
    }
    config.members();
    return config;
  }

  /** The cluster members from raft-peers (this node alone when empty), checking the raft-* keys together; a ConfigError names the key. */
  members(): PeerAddress[] {
    const nodeId = this.int('raft-node-id');
    const spec = this.str('raft-peers');
    if (spec.trim() === '') {
      const raftPort = this.int('port') + RAFT_PORT_OFFSET;
      return [{ id: nodeId, raftAddress: `127.0.0.1:${raftPort}`, clientAddress: `127.0.0.1:${this.int('port')}` }];
    }
    let peers: PeerAddress[];
    try {
      peers = parsePeers(spec);
    } catch (e) {
      throw new ConfigError(`raft-peers: ${(e as Error).message}`);
    }
    if (!peers.some((p) => p.id === nodeId)) throw new ConfigError(`raft-peers does not list raft-node-id ${nodeId}`);
    if (this.int('raft-election-ticks') <= this.int('raft-heartbeat-ticks')) {
      throw new ConfigError('raft-election-ticks must be greater than raft-heartbeat-ticks');
    }
    return peers;
  }

  private loadFile(file: string): void {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError(`cannot read config file '${file}': ${(e as Error).message}`);
    }
    text.split(/\r?\n/).forEach((line, n) => {
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#')) return;
      const args = splitArgs(Buffer.from(trimmed, 'utf8'));
      if (args === null) throw new ConfigError(`${file}:${n + 1}: unbalanced quotes`);
      const [name, ...rest] = args.map((a) => a.toString('utf8'));
      try {
        this.setStartup(name!, rest.join(' '));
      } catch (e) {
        throw new ConfigError(`${file}:${n + 1}: ${(e as Error).message}`);
      }
    });
  }

  private setStartup(name: string, raw: string): void {
    const key = configKey(name);
    if (!key) throw new ConfigError(`unknown config key '${name}'`);
    const r = normalize(key, raw);
    if ('error' in r) throw new ConfigError(r.error);
    this.values.set(key.name, r.value);
    this.explicit.add(key.name);
  }

  str(name: string): string {
    const v = this.values.get(name);
    if (v === undefined) throw new Error(`invariant violated: config key '${name}' is not declared`);
    return v;
  }

  int(name: string): number {
    return Number(this.str(name));
  }

  bool(name: string): boolean {
    return this.str(name) === 'yes';
  }

  /** CONFIG GET: every key matching any pattern, once. */
  get(patterns: readonly string[]): [string, string][] {
    const out: [string, string][] = [];
    for (const key of CONFIG_KEYS) {
      if (patterns.some((p) => globMatch(Buffer.from(p.toLowerCase()), Buffer.from(key.name)))) {
        out.push([key.name, this.values.get(key.name)!]);
      }
    }
    return out;
  }

  /** CONFIG SET: all pairs or none, with Redis 7.0's error texts. Returns an error text or null. */
  set(pairs: readonly [string, string][]): string | null {
    const seen = new Set<string>();
    const staged: [ConfigKey, string][] = [];
    for (const [name, raw] of pairs) {
      const key = configKey(name);
      if (!key) return `ERR Unknown option or number of arguments for CONFIG SET - '${name}'`;
      if (seen.has(key.name)) return `ERR Duplicate parameter - '${name}'`;
      seen.add(key.name);
      if (!key.mutable) return `ERR CONFIG SET failed (possibly related to argument '${name}') - can't set immutable config`;
      const r = normalize(key, raw);
      if ('error' in r) return `ERR CONFIG SET failed (possibly related to argument '${name}') - ${r.error}`;
      staged.push([key, r.value]);
    }
    for (const [key, value] of staged) {
      this.values.set(key.name, value);
      this.explicit.add(key.name);
      this.onChange(key.name, value);
    }
    return null;
  }

  /** CONFIG REWRITE: rewrites the file with every explicitly set key, keeping comments. */
  rewrite(): string | null {
    if (this.file === null) return 'ERR The server is running without a config file';
    const lines = readFileSync(this.file, 'utf8').split(/\r?\n/);
    const written = new Set<string>();
    const out: string[] = [];
    for (const line of lines) {
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#')) {
        out.push(line);
        continue;
      }
      const name = trimmed.split(/\s+/)[0]!;
      const key = configKey(name);
      if (!key || written.has(key.name)) continue;
      written.add(key.name);
      out.push(`${key.name} ${quote(this.values.get(key.name)!)}`);
    }
    for (const name of this.explicit) {
      if (!written.has(name)) out.push(`${name} ${quote(this.values.get(name)!)}`);
    }
    const tmp = `${this.file}.tmp-${process.pid}`;
    writeFileSync(tmp, out.join('\n').replace(/\n*$/, '\n'));
    renameSync(tmp, this.file);
    return null;
  }
}

function quote(v: string): string {
  return v === '' || /[\s"']/.test(v) ? `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"` : v;
}

function normalizeOrThrow(key: ConfigKey, raw: string): string {
  const r = normalize(key, raw);
  if ('error' in r) throw new Error(`invariant violated: default of ${key.name}: ${r.error}`);
  return r.value;
}
