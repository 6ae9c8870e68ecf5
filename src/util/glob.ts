// Redis's stringmatchlen(): glob patterns with *, ?, [abc], [^a], [a-z] and \ escapes, on bytes.

export function globMatch(pattern: Buffer, text: Buffer, nocase = false): boolean {
  return matchAt(pattern, 0, text, 0, nocase, 0);
}

const MAX_NESTING = 1000;

function lowerByte(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 32 : c;
}

function matchAt(p: Buffer, pi: number, s: Buffer, si: number, nocase: boolean, depth: number): boolean {
  if (depth > MAX_NESTING) return false;
  const eq = (a: number, b: number): boolean => (nocase ? lowerByte(a) === lowerByte(b) : a === b);
  while (pi < p.length && si <= s.length) {
    const c = p[pi]!;
    if (c === 0x2a /* * */) {
      while (pi + 1 < p.length && p[pi + 1] === 0x2a) pi++;
      if (pi + 1 === p.length) return true;
      for (let k = si; k <= s.length; k++) {
        if (matchAt(p, pi + 1, s, k, nocase, depth + 1)) return true;
      }
      return false;
    }
    if (si >= s.length) return false;
    if (c === 0x3f /* ? */) {
      si++;
      pi++;
      continue;
    }
    if (c === 0x5b /* [ */) {
      pi++;
      const not = p[pi] === 0x5e;
      if (not) pi++;
      let matched = false;
      for (;;) {
        if (pi >= p.length) {
          pi--; // unterminated class: Redis treats the end as closing it
          break;
        }
        const pc = p[pi]!;
        if (pc === 0x5c && pi + 2 < p.length) {
          pi++;
          if (eq(p[pi]!, s[si]!)) matched = true;
        } else if (pc === 0x5d) {
          break;
        } else if (pi + 2 < p.length && p[pi + 1] === 0x2d) {
          let start = p[pi]!;
          let end = p[pi + 2]!;
          let ch = s[si]!;
          if (start > end) [start, end] = [end, start];
          if (nocase) {
            start = lowerByte(start);
            end = lowerByte(end);
            ch = lowerByte(ch);
          }
          pi += 2;
          if (ch >= start && ch <= end) matched = true;
        } else if (eq(pc, s[si]!)) {
          matched = true;
        }
        pi++;
      }
      if (not) matched = !matched;
      if (!matched) return false;
      si++;
      pi++;
      continue;
    }
    if (c === 0x5c /* \ */ && pi + 1 < p.length) pi++;
    if (!eq(p[pi]!, s[si]!)) return false;
    si++;
    pi++;
  }
  while (pi < p.length && p[pi] === 0x2a) pi++;
  return pi === p.length && si === s.length;
}
