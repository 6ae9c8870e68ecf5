export * from './types.js';
export * from './messages.js';
export { RaftNode } from './raft.js';
export type {
  RaftConfig,
  Proposal,
  ProposeResult,
  RequestResult,
  ReadState,
  Ready,
  RaftStatus,
  ProgressStatus,
  ReadOnlyOption,
} from './api.js';
export { Mulberry32, type Rng } from './rng.js';
export { MemoryStorage } from './memory-storage.js';
export type { ProgressState } from './progress.js';
