// The command table is data: name, arity, flags, key positions, ACL categories and docs, plus
// how the command runs. COMMAND, COMMAND INFO/DOCS/COUNT/LIST/GETKEYS are generated from it.
import type { Reply } from '../resp/reply.js';
import type { ReadContext, Session, WriteContext } from './context.js';

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

/** Legacy key specification (first, last, step), 1-based; last -1 = up to the last argument. */
export interface KeyRange {
  readonly first: number;
  readonly last: number;
  readonly step: number;
}

export interface CommandDocs {
  readonly summary: string;
  readonly since: string;
  readonly group: string;
  readonly complexity?: string;
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
}

export type ParseResult<P> = P | { error: Reply };

/** Runs against the local replica after the read-consistency check. */
export interface ReadCommand extends CommandBase {
  readonly kind: 'read';
  run(ctx: ReadContext, argv: readonly Buffer[]): Reply | Promise<Reply>;
}

/**
 * Validated before proposing (a parse error is a definite failure, never proposed), then
 * executed deterministically by every replica inside apply.
 */
export interface WriteCommand extends CommandBase {
  readonly kind: 'write';
  validate(argv: readonly Buffer[]): Reply | null;
  run(ctx: WriteContext, argv: readonly Buffer[]): Promise<Reply>;
}

/** Connection and server commands: run on the node the client is connected to. */
export interface LocalCommand extends CommandBase {
  readonly kind: 'local';
  run(session: Session, argv: readonly Buffer[]): Reply | Promise<Reply>;
}

export interface ContainerCommand extends CommandBase {
  readonly kind: 'container';
  readonly subcommands: ReadonlyMap<string, Command>;
}

export type Command = ReadCommand | WriteCommand | LocalCommand | ContainerCommand;

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

export function containerCommand(name: string, meta: Meta, subcommands: readonly Command[]): ContainerCommand {
  return {
    ...base(name, meta),
    kind: 'container',
    subcommands: new Map(subcommands.map((c) => [c.fullName.split('|')[1]!, c])),
  };
}

function base(name: string, meta: Meta): CommandBase {
  return {
    name: name.split('|').pop()!,
    fullName: name,
    arity: meta.arity,
    flags: meta.flags,
    keys: meta.keys ?? null,
    acl: meta.acl,
    docs: meta.docs,
  };
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

  all(): Command[] {
    return [...this.byName.values()];
  }
}

/** A parse failure. Returned through this helper (not a literal) so TypeScript infers the parsed type cleanly. */
export function fail(error: Reply): { error: Reply } {
  return { error };
}
