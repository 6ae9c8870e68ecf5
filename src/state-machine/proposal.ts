// The payload of a normal log entry: the write operations batched in one event-loop turn.
// Binary, length-prefixed; decoding validates lengths so a corrupt entry is a clear error.
import { assert } from '../util/assert.js';

export type ProposalOp =
  /** A client write command as typed, run against logical database `db`. */
  | { readonly kind: 'command'; readonly db: number; readonly argv: readonly Buffer[] }
  /** The active expirer: delete the key if it is still expired at this entry's time. */
  | { readonly kind: 'expire'; readonly keyspaceId: number; readonly key: Buffer; readonly expireAtMs: number }
  /** MULTI/EXEC: the queued commands (reads too), run back to back inside this one entry. */
  | { readonly kind: 'exec'; readonly commands: readonly TxnCommand[] };

/** One command of a transaction, with the database it runs in (SELECT inside MULTI moves it). */
export interface TxnCommand {
  readonly db: number;
  readonly argv: readonly Buffer[];
}

/** An exec op is stored as kind 3 whose arguments are its commands, each encoded as a one-op proposal. */
function execArgs(op: Extract<ProposalOp, { kind: 'exec' }>): Buffer[] {
  return op.commands.map((c) => encodeProposal([{ kind: 'command', db: c.db, argv: c.argv }]));
}

export function encodeProposal(ops: readonly ProposalOp[]): Buffer {
  let size = 4;
  const execs = new Map<ProposalOp, Buffer[]>();
  for (const op of ops) {
    size += 1 + 4 + 4;
    if (op.kind === 'command') for (const a of op.argv) size += 4 + a.length;
    else if (op.kind === 'exec') {
      const args = execArgs(op);
      execs.set(op, args);
      for (const a of args) size += 4 + a.length;
    } else size += 4 + op.key.length + 4 + 8;
  }
  const out = Buffer.allocUnsafe(size);
  let o = out.writeUInt32BE(ops.length, 0);
  for (const op of ops) {
    if (op.kind === 'command' || op.kind === 'exec') {
      const args = op.kind === 'command' ? op.argv : execs.get(op)!;
      o = out.writeUInt8(op.kind === 'command' ? 1 : 3, o);
      o = out.writeUInt32BE(op.kind === 'command' ? op.db : 0, o);
      o = out.writeUInt32BE(args.length, o);
      for (const a of args) {
        o = out.writeUInt32BE(a.length, o);
        o += a.copy(out, o);
      }
    } else {
      o = out.writeUInt8(2, o);
      o = out.writeUInt32BE(op.keyspaceId, o);
      o = out.writeUInt32BE(2, o);
      o = out.writeUInt32BE(op.key.length, o);
      o += op.key.copy(out, o);
      o = out.writeUInt32BE(8, o);
      o = out.writeBigUInt64BE(BigInt(op.expireAtMs), o);
    }
  }
  assert(o === size, 'proposal encoding size mismatch');
  return out;
}

export function decodeProposal(data: Uint8Array): ProposalOp[] {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let o = 0;
  const need = (n: number): void => assert(o + n <= buf.length, 'proposal entry is truncated');
  need(4);
  const count = buf.readUInt32BE(o);
  o += 4;
  const ops: ProposalOp[] = [];
  for (let i = 0; i < count; i++) {
    need(9);
    const kind = buf.readUInt8(o);
    const a = buf.readUInt32BE(o + 1);
    const argc = buf.readUInt32BE(o + 5);
    o += 9;
    const argv: Buffer[] = [];
    for (let j = 0; j < argc; j++) {
      need(4);
      const len = buf.readUInt32BE(o);
      o += 4;
      need(len);
      argv.push(buf.subarray(o, o + len));
      o += len;
    }
    if (kind === 1) ops.push({ kind: 'command', db: a, argv });
    else if (kind === 3) ops.push({ kind: 'exec', commands: argv.map(decodeTxnCommand) });
    else if (kind === 2 && argv.length === 2 && argv[1]!.length === 8) {
      ops.push({ kind: 'expire', keyspaceId: a, key: argv[0]!, expireAtMs: Number(argv[1]!.readBigUInt64BE(0)) });
    }
    else throw new Error(`invariant violated: proposal op has unknown kind ${kind}`);
  }
  return ops;
}

function decodeTxnCommand(encoded: Buffer): TxnCommand {
  const ops = decodeProposal(encoded);
  const op = ops[0];
  assert(ops.length === 1 && op !== undefined && op.kind === 'command', 'a transaction command is one command op');
  return { db: op.db, argv: op.argv };
}
