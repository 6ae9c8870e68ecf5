// Properties of the RESP request parser: chunking never changes the result, garbage never
// throws, and inline requests round-trip.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RespParser, type ParseResult } from '../../src/resp/parser.js';
import { splitArgs } from '../../src/resp/split-args.js';

const LIMITS = { maxBulkBytes: 1 << 20, maxQueryBufferBytes: 1 << 24 };

function encodeCommand(argv: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`)];
  for (const a of argv) parts.push(Buffer.from(`$${a.length}\r\n`), a, Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

type Outcome = { commands: string[][]; end: string };

/** Feeds the chunks one at a time, draining after each, and records what came out. */
function run(chunks: readonly Buffer[]): Outcome {
  const p = new RespParser(LIMITS);
  const commands: string[][] = [];
  let end = 'incomplete';
  outer: for (const chunk of chunks) {
    p.feed(chunk);
    for (;;) {
      const r: ParseResult = p.next();
      if (r.kind === 'incomplete') break;
      if (r.kind === 'error') {
        end = `error:${r.message}:${r.reply}`;
        break outer;
      }
      expect(r.argv.length).toBeGreaterThan(0);
      commands.push(r.argv.map((a) => a.toString('hex')));
    }
  }
  return { commands, end };
}

/** Splits `buf` at the given cut points (any order, duplicates allowed). */
function splitAt(buf: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(buf.subarray(prev, p));
    prev = p;
  }
  out.push(buf.subarray(prev));
  return out;
}

const arg = fc.oneof(
  { weight: 4, arbitrary: fc.uint8Array({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 4000, maxLength: 10000 }) },
  { weight: 2, arbitrary: fc.constantFrom('\r\n', '*1\r\n', '$3\r\n', '', '"', "'") .map((s) => Buffer.from(s)) },
).map((a) => Buffer.from(a));
const command = fc.array(arg, { minLength: 1, maxLength: 6 });
const commands = fc.array(command, { minLength: 1, maxLength: 15 });
const cuts = fc.array(fc.nat(), { maxLength: 30 });

describe('RespParser properties', () => {
  it('multibulk commands split at arbitrary points parse exactly as when fed whole', () => {
    fc.assert(
      fc.property(commands, cuts, (cmds, cutPoints) => {
        const bytes = Buffer.concat(cmds.map(encodeCommand));
        const expected = cmds.map((c) => c.map((a) => a.toString('hex')));
        const whole = run([bytes]);
        expect(whole).toEqual({ commands: expected, end: 'incomplete' });
        expect(run(splitAt(bytes, cutPoints))).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it('byte-at-a-time feeding gives the same commands', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.uint8Array({ maxLength: 12 }).map((a) => Buffer.from(a)), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 }), (cmds) => {
        const bytes = Buffer.concat(cmds.map(encodeCommand));
        const singles = [...bytes].map((b) => Buffer.from([b]));
        expect(run(singles)).toEqual(run([bytes]));
      }),
      { numRuns: 100 },
    );
  });

  it('arbitrary garbage never throws and yields only command, error or incomplete; chunking does not change it', () => {
    const protocolish = fc
      .array(
        fc.oneof(
          fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a)),
          fc.constantFrom('*', '$', '\r', '\n', '\r\n', '*2\r\n', '$1\r\n', '$-1\r\n', '*-1\r\n', '"', "'", '\\x4', ' ', 'PING').map((s) => Buffer.from(s)),
          fc.integer({ min: -3, max: 100 }).map((n) => Buffer.from(String(n))),
        ),
        { maxLength: 40 },
      )
      .map((parts) => Buffer.concat(parts));
    fc.assert(
      fc.property(protocolish, cuts, (bytes, cutPoints) => {
        const p = new RespParser(LIMITS);
        p.feed(bytes);
        for (let i = 0; i < 1000; i++) {
          const r = p.next();
          expect(['command', 'error', 'incomplete']).toContain(r.kind);
          if (r.kind !== 'command') break;
        }
        expect(run(splitAt(bytes, cutPoints))).toEqual(run([bytes]));
      }),
      { numRuns: 500 },
    );
  });

  it('inline commands of plain words round-trip', () => {
    const word = fc.stringMatching(/^[A-Za-z0-9_.:@#$%^&*()+=<>?,;!~`|{}[\]/-]{1,20}$/);
    fc.assert(
      fc.property(fc.array(fc.array(word, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 10 }), fc.constantFrom('\r\n', '\n'), cuts, (lines, eol, cutPoints) => {
        // A line starting with '*' is a multibulk request, not inline.
        const inlineLines = lines.filter((l) => !l[0]!.startsWith('*'));
        const bytes = Buffer.from(inlineLines.map((l) => l.join(' ') + eol).join(''), 'latin1');
        const out = run(splitAt(bytes, cutPoints));
        expect(out.end).toBe('incomplete');
        expect(out.commands).toEqual(inlineLines.map((l) => l.map((w) => Buffer.from(w, 'latin1').toString('hex'))));
      }),
      { numRuns: 300 },
    );
  });

  it('quoting any bytes with \\xHH escapes round-trips through splitArgs', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 16 }), { minLength: 1, maxLength: 5 }), (args) => {
        const line = args.map((a) => `"${[...a].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('')}"`).join(' ');
        expect(splitArgs(Buffer.from(line))).toEqual(args.map((a) => Buffer.from(a)));
      }),
      { numRuns: 300 },
    );
  });
});
