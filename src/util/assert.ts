// A violated invariant is a crash with a clear message, never a wrong answer (TigerBeetle style).
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`invariant violated: ${message}`);
}
