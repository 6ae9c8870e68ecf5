// The seam between the simulator and the shared register checker
// (chaos/checkers/register-linearizability.ts): the history types the simulator records, and one
// call that checks a run's client history and explains a violation in a replayable message.
import { checkRegisterLinearizability, type RegisterOperation } from '../../chaos/checkers/register-linearizability.js';

export type { RegisterCheckResult, RegisterOperation } from '../../chaos/checkers/register-linearizability.js';
export { checkRegisterLinearizability } from '../../chaos/checkers/register-linearizability.js';

/**
 * Null if the client history of a run is linearizable (per key, registers starting absent);
 * otherwise the checker's verdict with the ops around the frontier, one per line, and `replay`.
 */
export function linearizabilityViolation(history: RegisterOperation[], replay: string): string | null {
  const v = checkRegisterLinearizability(history);
  if (v.ok) return null;
  const lines = v.window.map((op) => {
    const what =
      op.f === 'read'
        ? `read  -> ${JSON.stringify(op.value)}`
        : op.f === 'write'
          ? `write ${JSON.stringify(op.value)}`
          : `cas   ${JSON.stringify(op.expected ?? null)} -> ${JSON.stringify(op.value)}`;
    return `  process ${op.process}: ${what} [${op.callNs}..${op.returnNs ?? 'unknown'}]`;
  });
  return [`not linearizable on key ${JSON.stringify(v.key)}: ${v.message}`, ...lines, `replay: ${replay}`].join('\n');
}
