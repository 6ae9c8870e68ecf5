// Core-local assertion: a violated invariant is a crash, never a wrong answer.
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`raft invariant: ${message}`);
}
