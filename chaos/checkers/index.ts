// The chaos suite's history checkers, all pure: a recorded history in, a verdict out.
export * from './register-linearizability.js';
export * from './set.js';
export * from './counter.js';
export * from './list-append.js';
