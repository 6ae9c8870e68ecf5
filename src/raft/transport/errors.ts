// Transport errors and assertions.

/** A violated transport invariant is a bug in the caller or here: crash, never limp on. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`transport invariant: ${message}`);
}

export type ForwardErrorCode = 'UNREACHABLE' | 'REJECTED' | 'INDETERMINATE';

/** Base class of forward() failures; `definite` says whether the command certainly did not run. */
export abstract class ForwardError extends Error {
  abstract readonly code: ForwardErrorCode;
  /** true: the command was certainly not executed and never will be. */
  abstract readonly definite: boolean;
  constructor(
    readonly peer: number,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Definitely not delivered: no connection to the peer before the request could be sent. */
export class ForwardUnreachableError extends ForwardError {
  readonly code = 'UNREACHABLE';
  readonly definite = true;
}

/** Definitely not executed: the peer refused it before running it (wrong cluster or node id). */
export class ForwardRejectedError extends ForwardError {
  readonly code = 'REJECTED';
  readonly definite = true;
}

/** Sent, but no answer in time (or the connection or the handler failed): it may still run. */
export class ForwardIndeterminateError extends ForwardError {
  readonly code = 'INDETERMINATE';
  readonly definite = false;
}
