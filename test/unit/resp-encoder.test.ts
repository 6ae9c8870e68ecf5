// The reply encoder: every Reply kind in RESP2 and RESP3, as redis-server 7.0 writes it.
import { describe, expect, it } from 'vitest';
import { chunksToBuffer, encodeReplies, encodeReply, type ProtocolVersion } from '../../src/resp/encoder.js';
import { formatDouble, formatG } from '../../src/resp/double.js';
import * as R from '../../src/resp/reply.js';

const enc = (reply: R.Reply, proto: ProtocolVersion): string => encodeReplies([reply], proto).toString('latin1');
const both = (reply: R.Reply): [string, string] => [enc(reply, 2), enc(reply, 3)];

describe('scalar replies', () => {
  it('simple strings and errors', () => {
    expect(both(R.OK)).toEqual(['+OK\r\n', '+OK\r\n']);
    expect(both(R.err('ERR syntax error'))).toEqual(['-ERR syntax error\r\n', '-ERR syntax error\r\n']);
  });

  it('CR and LF inside a line reply become spaces, so the protocol stays in sync', () => {
    expect(enc(R.err('ERR a\r\nb'), 2)).toBe('-ERR a  b\r\n');
    expect(enc(R.simple('x\ny'), 3)).toBe('+x y\r\n');
  });

  it('integers, including bigint beyond 2^53', () => {
    expect(both(R.int(42))).toEqual([':42\r\n', ':42\r\n']);
    expect(enc(R.int(-7), 2)).toBe(':-7\r\n');
    expect(enc(R.int(-(2n ** 63n)), 2)).toBe(':-9223372036854775808\r\n');
  });

  it('bulk strings: text as UTF-8, buffers byte for byte, small and large', () => {
    expect(both(R.bulk('hello'))).toEqual(['$5\r\nhello\r\n', '$5\r\nhello\r\n']);
    expect(encodeReplies([R.bulk('é')], 2)).toEqual(Buffer.from('$2\r\n\xc3\xa9\r\n', 'latin1'));
    expect(encodeReplies([R.bulk(Buffer.from([0, 0xff, 0x0d, 0x0a]))], 2)).toEqual(Buffer.from('$4\r\n\x00\xff\r\n\r\n', 'latin1'));
    expect(enc(R.bulk(''), 2)).toBe('$0\r\n\r\n');
    const big = Buffer.alloc(5000, 0xfe);
    const out = encodeReplies([R.bulk(big)], 3);
    expect(out.subarray(0, 7).toString()).toBe('$5000\r\n');
    expect(out.subarray(7, 5007).equals(big)).toBe(true);
    expect(out.subarray(5007).toString()).toBe('\r\n');
  });

  it('null: $-1 in RESP2, _ in RESP3; null array: *-1 in RESP2, _ in RESP3', () => {
    expect(both(R.NULL)).toEqual(['$-1\r\n', '_\r\n']);
    expect(both(R.NULL_ARRAY)).toEqual(['*-1\r\n', '_\r\n']);
    expect(both(R.bulkOrNull(null))).toEqual(['$-1\r\n', '_\r\n']);
  });

  it('booleans: :1/:0 in RESP2, #t/#f in RESP3', () => {
    expect(both(R.bool(true))).toEqual([':1\r\n', '#t\r\n']);
    expect(both(R.bool(false))).toEqual([':0\r\n', '#f\r\n']);
  });

  it('verbatim strings: bulk in RESP2, =len txt: in RESP3 (length in bytes)', () => {
    expect(both(R.verbatim('a:b\r\n'))).toEqual(['$5\r\na:b\r\n\r\n', '=9\r\ntxt:a:b\r\n\r\n']);
    expect(enc(R.verbatim('é'), 3)).toBe('=6\r\ntxt:\xc3\xa9\r\n');
  });

  it('none writes nothing', () => {
    expect(encodeReplies([R.NONE, R.OK, R.NONE], 2).toString()).toBe('+OK\r\n');
  });
});

describe('doubles', () => {
  it('RESP2 bulk with %.17g, RESP3 comma type', () => {
    expect(both(R.double(0.1))).toEqual(['$19\r\n0.10000000000000001\r\n', ',0.10000000000000001\r\n']);
    expect(both(R.double(1.5))).toEqual(['$3\r\n1.5\r\n', ',1.5\r\n']);
  });

  it('doubleText (GEOPOS coordinates): the given text as a RESP2 bulk string or a RESP3 double', () => {
    expect(both(R.doubleText('13.36138933897018433'))).toEqual(['$20\r\n13.36138933897018433\r\n', ',13.36138933897018433\r\n']);
  });

  it('inf and -inf', () => {
    expect(both(R.double(Infinity))).toEqual(['$3\r\ninf\r\n', ',inf\r\n']);
    expect(both(R.double(-Infinity))).toEqual(['$4\r\n-inf\r\n', ',-inf\r\n']);
  });

  // Expected values are C printf("%.17g") output.
  const cases: [number, string][] = [
    [0, '0'],
    [-0, '-0'],
    [1, '1'],
    [-2.5, '-2.5'],
    [3.14, '3.1400000000000001'],
    [1 / 3, '0.33333333333333331'],
    [1e16, '10000000000000000'],
    [1e17, '1e+17'],
    [123456789012345678, '1.2345678901234568e+17'],
    [2 ** 70, '1.1805916207174113e+21'],
    [0.0001, '0.0001'],
    [0.00001, '1.0000000000000001e-05'],
    [1e-100, '1e-100'],
    [1e100, '1e+100'],
    [5e-324, '4.9406564584124654e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [Number.MAX_SAFE_INTEGER, '9007199254740991'],
    // Exact ties round to even, as glibc does (JavaScript's toExponential rounds them up).
    [1 + 2 ** -17, '1.0000076293945312'],
    [1 + 3 * 2 ** -17, '1.0000228881835938'],
  ];
  for (const [value, text] of cases) {
    it(`${value} → ${text}`, () => {
      expect(formatDouble(value)).toBe(text);
    });
  }

  it('nan and other precisions', () => {
    expect(formatG(NaN)).toBe('nan');
    expect(formatG(1234567, 6)).toBe('1.23457e+06');
    expect(formatG(0.5, 1)).toBe('0.5');
    expect(formatG(2.5, 1)).toBe('2');
    expect(formatG(3.5, 1)).toBe('4');
  });
});

describe('aggregates', () => {
  it('arrays, nested, empty', () => {
    const reply = R.array([R.bulk('a'), R.int(1), R.array([]), R.NULL]);
    expect(both(reply)).toEqual(['*4\r\n$1\r\na\r\n:1\r\n*0\r\n$-1\r\n', '*4\r\n$1\r\na\r\n:1\r\n*0\r\n_\r\n']);
    expect(enc(R.bulks(['x', null]), 2)).toBe('*2\r\n$1\r\nx\r\n$-1\r\n');
  });

  it('maps: flattened to 2n items in RESP2, % in RESP3', () => {
    const reply = R.map([
      [R.bulk('k'), R.int(1)],
      [R.bulk('d'), R.double(2)],
    ]);
    expect(enc(reply, 2)).toBe('*4\r\n$1\r\nk\r\n:1\r\n$1\r\nd\r\n$1\r\n2\r\n');
    expect(enc(reply, 3)).toBe('%2\r\n$1\r\nk\r\n:1\r\n$1\r\nd\r\n,2\r\n');
    expect(both(R.map([]))).toEqual(['*0\r\n', '%0\r\n']);
  });

  it('sets: array in RESP2, ~ in RESP3', () => {
    expect(both({ t: 'set', items: [R.bulk('m')] })).toEqual(['*1\r\n$1\r\nm\r\n', '~1\r\n$1\r\nm\r\n']);
  });

  it('push: array in RESP2, > in RESP3', () => {
    const reply: R.Reply = { t: 'push', items: [R.bulk('message'), R.bulk('ch'), R.bulk('hi')] };
    expect(both(reply)).toEqual([
      '*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n',
      '>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n',
    ]);
  });

  it('a pipeline of replies becomes one buffer in order, mixing text and large buffers', () => {
    const big = Buffer.alloc(2000, 0x62);
    const out: (string | Buffer)[] = [];
    encodeReply(R.OK, 2, out);
    encodeReply(R.bulk(big), 2, out);
    encodeReply(R.int(3), 2, out);
    const buf = chunksToBuffer(out);
    expect(buf.toString('latin1')).toBe(`+OK\r\n$2000\r\n${'b'.repeat(2000)}\r\n:3\r\n`);
  });
});
