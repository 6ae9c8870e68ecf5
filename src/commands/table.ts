// The command table is data: name, arity, flags, key positions, ACL categories and docs, plus
// how the command runs. COMMAND, COMMAND INFO/DOCS/COUNT/LIST/GETKEYS are generated from it.
import type { Reply } from '../resp/reply.js';
import { REDIS_COMMAND_REFERENCE } from './command-docs.js';
import type { ReadContext, Session, WriteContext } from './context.js';
import type { Keyspace } from '../state-machine/keyspace.js';
import { E } from './errors.js';

export type CommandFlag =
  | 'write'
  | 'readonly'
  | 'denyoom'
  | 'admin'
  | 'pubsub'
  | 'noscript'
  | 'blocking'
  | 'loading'
  | 'stale'
  | 'skip_monitor'
  | 'skip_slowlog'
  | 'fast'
  | 'no_auth'
  | 'may_replicate'
  | 'no_mandatory_keys'
  | 'allow_busy'
  | 'no_multi';

/**
 * The order redis-server 7.0 lists flags in (server.c addReplyCommandFlags); `may_replicate` is
 * one Redis keeps hidden from COMMAND INFO.
 */
export const FLAG_ORDER: readonly CommandFlag[] = [
  'write',
  'readonly',
  'denyoom',
  'admin',
  'pubsub',
  'noscript',
  'blocking',
  'loading',
  'stale',
  'skip_monitor',
  'skip_slowlog',
  'fast',
  'no_auth',
  'no_mandatory_keys',
  'no_multi',
  'allow_busy',
];

/** ACL categories in the order of Redis's category table (acl.c), which is how it lists them. */
export const ACL_CATEGORIES = [
  'keyspace',
  'read',
  'write',
  'set',
  'sortedset',
  'list',
  'hash',
  'string',
  'bitmap',
  'hyperloglog',
  'geo',
  'stream',
  'pubsub',
  'admin',
  'fast',
  'slow',
  'blocking',
  'dangerous',
  'connection',
  'transaction',
  'scripting',
] as const;

/** Legacy key specification (first, last, step), 1-based; last -1 = up to the last argument. */
export interface KeyRange {
  readonly first: number;
  readonly last: number;
  readonly step: number;
}

/** Key spec flags (Redis 7.0 key specs), in the order Redis lists them. */
export const KEY_SPEC_FLAGS = ['RO', 'RW', 'OW', 'RM', 'access', 'update', 'insert', 'delete', 'not_key', 'incomplete', 'variable_flags'] as const;
export type KeySpecFlag = (typeof KEY_SPEC_FLAGS)[number];

/** Where the search for keys starts: a fixed argument index, or after a keyword. */
export type BeginSearch =
  | { readonly type: 'index'; readonly index: number }
  | { readonly type: 'keyword'; readonly keyword: string; readonly startFrom: number }
  /** Keys that cannot be found from the arguments (SORT's BY and GET patterns). */
  | { readonly type: 'unknown' };

/** Which arguments from the start are keys: a range, or a count given by an argument. */
export type FindKeys =
  | { readonly type: 'range'; readonly lastKey: number; readonly keyStep: number; readonly limit: number }
  | { readonly type: 'keynum'; readonly keyNumIdx: number; readonly firstKey: number; readonly keyStep: number }
  | { readonly type: 'unknown' };

/** A Redis 7.0 key specification: where the keys are and how the command uses them. */
export interface KeySpec {
  readonly notes?: string;
  readonly flags: readonly KeySpecFlag[];
  readonly beginSearch: BeginSearch;
  readonly findKeys: FindKeys;
}

export type ArgumentType = 'string' | 'integer' | 'double' | 'key' | 'pattern' | 'unix-time' | 'pure-token' | 'oneof' | 'block';

/** One argument of a command's syntax, as COMMAND DOCS describes it. */
export interface ArgumentDoc {
  readonly name: string;
  readonly type: ArgumentType;
  readonly keySpecIndex?: number;
  readonly token?: string;
  readonly summary?: string;
  readonly since?: string;
  readonly deprecatedSince?: string;
  readonly flags?: readonly ('optional' | 'multiple' | 'multiple_token')[];
  /** The alternatives (oneof) or parts (block). */
  readonly arguments?: readonly ArgumentDoc[];
}

export interface CommandDocs {
  readonly summary: string;
  readonly since: string;
  readonly group: string;
  readonly complexity?: string;
  readonly docFlags?: readonly ('deprecated' | 'syscmd')[];
  readonly deprecatedSince?: string;
  readonly replacedBy?: string;
  /** [version, what changed] */
  readonly history?: readonly (readonly [string, string])[];
  readonly arguments?: readonly ArgumentDoc[];
}

/**
 * What Redis's command definitions say beyond arity, flags, key range and ACL categories: the
 * documentation, the tips (e.g. nondeterministic_output) and the key specs.
 */
export interface CommandReference {
  readonly docs: CommandDocs;
  readonly tips: readonly string[];
  readonly keySpecs: readonly KeySpec[];
}

interface CommandBase {
  /** Lower-case name; subcommands use the container's name, e.g. `client|setname` is fullName. */
  readonly name: string;
  readonly fullName: string;
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  readonly keys: KeyRange | null;
  readonly acl: readonly string[];
  readonly docs: CommandDocs;
  readonly tips: readonly string[];
  readonly keySpecs: readonly KeySpec[];
}

export type ParseResult<P> = P | { error: Reply };

/** Runs against the local replica after the read-consistency check. */
export interface ReadCommand extends CommandBase {
  readonly kind: 'read';
  run(ctx: ReadContext, argv: readonly Buffer[]): Reply | Promise<Reply>;
  /** A read that may block (XREAD BLOCK): the plan when argv asks to block, else null. */
  readonly blockingPlan?: (argv: readonly Buffer[]) => BlockingPlan | null;
}

/**
 * Validated before proposing (a parse error is a definite failure, never proposed), then
 * executed deterministically by every replica inside apply.
 */
export interface WriteCommand extends CommandBase {
  readonly kind: 'write';
  validate(argv: readonly Buffer[]): Reply | null;
  run(ctx: WriteContext, argv: readonly Buffer[]): Promise<Reply>;
  /** A write that may block (XREADGROUP BLOCK): the plan when valid argv asks to block, else null. */
  readonly blockingPlan?: (argv: readonly Buffer[]) => BlockingPlan | null;
}

/** Connection and server commands: run on the node the client is connected to. */
export interface LocalCommand extends CommandBase {
  readonly kind: 'local';
  run(session: Session, argv: readonly Buffer[]): Reply | Promise<Reply>;
  /**
   * Subcommands that `run` routes itself. COMMAND needs this: unlike CLIENT or CONFIG its bare
   * form is a command too, which the dispatcher's containers (subcommand required) cannot express.
   */
  readonly subcommands?: ReadonlyMap<string, Command>;
}

/** What a blocked client does when a key it waits on was written. */
export type WakeAction = 'retry' | 'wait' | { readonly end: Reply };

interface BlockingPlanBase {
  /** The keys waited on, in argument order. */
  readonly keys: readonly Buffer[];
  /** Milliseconds to wait; 0 = forever. */
  readonly timeoutMs: number;
  /**
   * Whether a served attempt takes what it got from the waiters after it (pops). A consuming
   * waiter that finds nothing ends the round for its key, since later ones would find nothing
   * either; stream readers wait for different things, so every one of them is tried.
   */
  readonly consumes: boolean;
  /**
   * After `key` was written (checked against this node's applied state): retry now, keep
   * waiting (nothing for this client there), or end the wait with a reply.
   */
  onWake(view: Keyspace, db: number, key: Buffer): Promise<WakeAction>;
}

/**
 * A blocking command whose attempts are writes (BLPOP, BZPOPMIN, BLMOVE, XREADGROUP): the
 * non-blocking write tried first and on every wake-up, so pops and group reads always go through
 * the replicated write path, and how the write's reply becomes the client's.
 */
export interface WriteRetryPlan extends BlockingPlanBase {
  readonly retry: 'write';
  /** The equivalent non-blocking write over every key (LMPOP, ZMPOP, LMOVE). */
  readonly argv: Buffer[];
  /** The write retried when `key` was written: only that key is served, as Redis does. */
  retryArgv(key: Buffer): Buffer[];
  /** The client's reply from the write's, or null when the write found nothing (keep waiting). */
  reshape(reply: Reply): Reply | null;
}

/** A blocking command whose attempts are reads (XREAD): re-run locally when a key was written. */
export interface ReadRetryPlan extends BlockingPlanBase {
  readonly retry: 'read';
  /** One attempt: over every key first (`key` null), then over the written key; null = keep waiting. */
  attempt(ctx: ReadContext, key: Buffer | null): Promise<Reply | null>;
}

export type BlockingPlan = WriteRetryPlan | ReadRetryPlan;

/** Runs on the dispatcher: the write is tried, and if it finds nothing the client waits. */
export interface BlockingCommand extends CommandBase {
  readonly kind: 'blocking';
  plan(argv: readonly Buffer[]): BlockingPlan | Reply;
}

export interface ContainerCommand extends CommandBase {
  readonly kind: 'container';
  readonly subcommands: ReadonlyMap<string, Command>;
}

export type Command = ReadCommand | WriteCommand | LocalCommand | BlockingCommand | ContainerCommand;

type Meta = {
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  readonly keys?: KeyRange | null;
  readonly acl: readonly string[];
  readonly docs: CommandDocs;
};

export function readCommand<P>(
  name: string,
  meta: Meta,
  parse: (argv: readonly Buffer[]) => ParseResult<P>,
  exec: (ctx: ReadContext, p: P) => Reply | Promise<Reply>,
): ReadCommand {
  return {
    ...base(name, meta),
    kind: 'read',
    run: (ctx, argv) => {
      const p = parse(argv);
      return isParseError(p) ? p.error : exec(ctx, p);
    },
  };
}

export function writeCommand<P>(
  name: string,
  meta: Meta,
  parse: (argv: readonly Buffer[]) => ParseResult<P>,
  exec: (ctx: WriteContext, p: P) => Reply | Promise<Reply>,
): WriteCommand {
  return {
    ...base(name, meta),
    kind: 'write',
    validate: (argv) => {
      const p = parse(argv);
      return isParseError(p) ? p.error : null;
    },
    run: async (ctx, argv) => {
      const p = parse(argv);
      return isParseError(p) ? p.error : exec(ctx, p);
    },
  };
}

export function localCommand(
  name: string,
  meta: Meta,
  run: (session: Session, argv: readonly Buffer[]) => Reply | Promise<Reply>,
): LocalCommand {
  return { ...base(name, meta), kind: 'local', run };
}

export function blockingCommand(name: string, meta: Meta, plan: (argv: readonly Buffer[]) => BlockingPlan | Reply): BlockingCommand {
  return { ...base(name, meta), kind: 'blocking', plan };
}

export function isBlockingPlan(p: BlockingPlan | Reply): p is BlockingPlan {
  return 'retry' in p;
}

export function containerCommand(name: string, meta: Meta, subcommands: readonly Command[]): ContainerCommand {
  return {
    ...base(name, meta),
    kind: 'container',
    subcommands: new Map(subcommands.map((c) => [c.fullName.split('|')[1]!, c])),
  };
}

/**
 * A local command with subcommands whose bare form (argv of one) runs `bare`: routes like the
 * dispatcher does for containers, with the same errors.
 */
export function localContainerCommand(
  name: string,
  meta: Meta,
  bare: (session: Session, argv: readonly Buffer[]) => Reply | Promise<Reply>,
  subcommands: readonly LocalCommand[],
): LocalCommand {
  const subs = new Map(subcommands.map((c) => [c.name, c]));
  return {
    ...base(name, meta),
    kind: 'local',
    subcommands: subs,
    run: (session, argv) => {
      if (argv.length === 1) return bare(session, argv);
      const sub = subs.get(argv[1]!.toString('latin1').toLowerCase());
      if (!sub) return E.unknownSubcommand(argv[1]!, name);
      return arityOk(sub.arity, argv.length) ? sub.run(session, argv) : E.wrongArity(sub.fullName);
    },
  };
}

function base(name: string, meta: Meta): CommandBase {
  // Redis 7.0's own words win over the inline summary, so COMMAND DOCS answers as redis-server
  // does; commands Redis does not have keep their inline docs and a key spec derived from the range.
  const reference = Object.hasOwn(REDIS_COMMAND_REFERENCE, name) ? REDIS_COMMAND_REFERENCE[name] : undefined;
  const keys = meta.keys ?? null;
  return {
    name: name.split('|').pop()!,
    fullName: name,
    arity: meta.arity,
    flags: meta.flags,
    keys,
    acl: withImplicitCategories(meta.flags, meta.acl),
    docs: reference?.docs ?? meta.docs,
    tips: reference?.tips ?? [],
    keySpecs: reference?.keySpecs ?? (keys ? [rangeKeySpec(keys)] : []),
  };
}

/**
 * Redis's setImplicitACLCategories: flags imply categories (write → @write, readonly → @read,
 * admin → @admin @dangerous, pubsub, fast, blocking) and whatever is not @fast is @slow.
 */
function withImplicitCategories(flags: readonly CommandFlag[], declared: readonly string[]): string[] {
  const acl = new Set(declared);
  if (flags.includes('write')) acl.add('@write');
  if (flags.includes('readonly') && !acl.has('@scripting')) acl.add('@read');
  if (flags.includes('admin')) acl.add('@admin').add('@dangerous');
  if (flags.includes('pubsub')) acl.add('@pubsub');
  if (flags.includes('fast')) acl.add('@fast');
  if (flags.includes('blocking')) acl.add('@blocking');
  if (!acl.has('@fast')) acl.add('@slow');
  return [...acl];
}

/** The key spec equivalent to a legacy (first, last, step) range, for commands Redis lacks. */
function rangeKeySpec(keys: KeyRange): KeySpec {
  return {
    flags: [],
    beginSearch: { type: 'index', index: keys.first },
    findKeys: { type: 'range', lastKey: keys.last < 0 ? keys.last : keys.last - keys.first, keyStep: keys.step, limit: 0 },
  };
}

/** The subcommands of a container (CLIENT, CONFIG, OBJECT) or of COMMAND, in table order. */
export function subcommandsOf(cmd: Command): Command[] {
  if (cmd.kind === 'container') return [...cmd.subcommands.values()];
  if (cmd.kind === 'local' && cmd.subcommands) return [...cmd.subcommands.values()];
  return [];
}

export function isParseError<P>(p: ParseResult<P>): p is { error: Reply } {
  return typeof p === 'object' && p !== null && 'error' in p && !Buffer.isBuffer(p);
}

export function arityOk(arity: number, argc: number): boolean {
  return arity >= 0 ? argc === arity : argc >= -arity;
}

/** The key arguments of argv according to the command's key range. */
export function commandKeys(cmd: Command, argv: readonly Buffer[]): Buffer[] {
  if (!cmd.keys) return [];
  const { first, step } = cmd.keys;
  const last = cmd.keys.last < 0 ? argv.length + cmd.keys.last : cmd.keys.last;
  const keys: Buffer[] = [];
  for (let i = first; i <= last && i < argv.length; i += step) keys.push(argv[i]!);
  return keys;
}

export class CommandTable {
  private readonly byName = new Map<string, Command>();

  constructor(commands: readonly Command[]) {
    for (const c of commands) {
      if (this.byName.has(c.name)) throw new Error(`command ${c.name} registered twice`);
      this.byName.set(c.name, c);
    }
  }

  get(name: string): Command | undefined {
    return this.byName.get(name);
  }

  /** Redis's lookupCommandBySds: `name` or `container|sub`, any case. */
  byFullName(fullName: string): Command | undefined {
    const parts = fullName.toLowerCase().split('|');
    const top = this.byName.get(parts[0]!);
    if (!top || parts.length === 1) return top;
    if (parts.length > 2) return undefined;
    return subcommandsOf(top).find((c) => c.name === parts[1]);
  }

  /** Redis's lookupCommand on argv: the subcommand when the command has any and argv names one. */
  byArgv(argv: readonly Buffer[]): Command | undefined {
    const top = this.byName.get(argv[0]!.toString('latin1').toLowerCase());
    if (!top || argv.length === 1) return top;
    const subs = subcommandsOf(top);
    if (subs.length === 0) return top;
    const sub = argv[1]!.toString('latin1').toLowerCase();
    return subs.find((c) => c.name === sub);
  }

  all(): Command[] {
    return [...this.byName.values()];
  }
}

/** A parse failure. Returned through this helper (not a literal) so TypeScript infers the parsed type cleanly. */
export function fail(error: Reply): { error: Reply } {
  return { error };
}
