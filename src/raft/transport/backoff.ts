// Reconnect delays: exponential growth with "equal jitter" (half fixed, half random),
// so a restarted peer is not hit by every node at the same instant.
import { invariant } from './errors.js';

export interface BackoffConfigMs {
  /** Delay bound of the first retry. */
  initial: number;
  /** Delay bound of every later retry once the exponential reaches it. */
  max: number;
}

/** Attempts beyond this no longer double the bound (it is capped at max anyway); keeps 2^n finite. */
const BACKOFF_DOUBLINGS_MAX = 30;

/**
 * Delay before retry number `attempt` (0 = first retry after a failure), in ms:
 * bound = min(max, initial · 2^attempt), delay ∈ [bound/2, bound).
 * `rng` returns [0, 1) and is injected so tests are deterministic.
 */
export function backoffDelayMs(attempt: number, config: BackoffConfigMs, rng: () => number): number {
  invariant(Number.isSafeInteger(attempt) && attempt >= 0, 'backoff attempt is a non-negative integer');
  invariant(config.initial > 0 && config.max >= config.initial, 'backoff 0 < initial <= max');
  const bound = Math.min(config.max, config.initial * 2 ** Math.min(attempt, BACKOFF_DOUBLINGS_MAX));
  const r = rng();
  invariant(r >= 0 && r < 1, 'rng returns [0, 1)');
  const delay = bound / 2 + (r * bound) / 2;
  invariant(delay >= config.initial / 2 && delay <= config.max, 'backoff delay within [initial/2, max]');
  return Math.floor(delay);
}
