// DEBUG SLEEP reads its argument with C's strtod (longest parsable prefix, 0 when none).
import { describe, expect, it } from 'vitest';
import { strtodPrefix } from '../../src/commands/server.js';

describe('strtodPrefix', () => {
  const cases: [string, number][] = [
    ['0', 0],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['5.', 5],
    ['-2', -2],
    ['+3', 3],
    ['  \t2', 2],
    ['1.5s', 1.5],
    ['1e', 1],
    ['1e-3', 0.001],
    ['2E2x', 200],
    ['abc', 0],
    ['', 0],
    ['.', 0],
    ['-', 0],
    ['e5', 0],
    ['inf', Infinity],
    ['-Infinity', -Infinity],
    ['infinit', Infinity],
    ['0x10', 16],
    ['0x1p-8', 1 / 256],
    ['0X.8', 0.5],
    ['0x', 0],
    ['0xg', 0],
  ];
  for (const [text, value] of cases) {
    it(JSON.stringify(text), () => expect(strtodPrefix(text)).toBe(value));
  }
  it('"nan" is NaN', () => expect(strtodPrefix('NaN')).toBeNaN());
});
