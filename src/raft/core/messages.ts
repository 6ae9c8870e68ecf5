// Raft messages as a discriminated union. `term` 0 never appears on the wire between peers.
import type { Entry } from './types.js';

interface Base {
  readonly from: number;
  readonly to: number;
  readonly term: number;
}

/** Append: `index`/`logTerm` describe the entry just before `entries`. */
export interface MsgApp extends Base {
  readonly type: 'app';
  readonly index: number;
  readonly logTerm: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
}
/** Append answer. On reject, `rejectHint`/`logTerm` let the leader skip a whole term at once. */
export interface MsgAppResp extends Base {
  readonly type: 'appResp';
  readonly index: number;
  readonly reject: boolean;
  readonly rejectHint: number;
  readonly logTerm: number;
}
export interface MsgVote extends Base {
  readonly type: 'vote' | 'preVote';
  /** Candidate's last log index / term. */
  readonly index: number;
  readonly logTerm: number;
  /** Set by a leadership transfer: bypasses the "recently heard from a leader" lease. */
  readonly transfer: boolean;
}
export interface MsgVoteResp extends Base {
  readonly type: 'voteResp' | 'preVoteResp';
  readonly reject: boolean;
}
/** Heartbeat: `commit` is min(follower match, leader commit); `round` confirms ReadIndex rounds (0 = none). */
export interface MsgHeartbeat extends Base {
  readonly type: 'heartbeat';
  readonly commit: number;
  readonly round: number;
}
export interface MsgHeartbeatResp extends Base {
  readonly type: 'heartbeatResp';
  readonly round: number;
}
/** Follower → leader: forwarded ReadIndex request. */
export interface MsgReadIndex extends Base {
  readonly type: 'readIndex';
  readonly ctx: string;
}
export interface MsgReadIndexResp extends Base {
  readonly type: 'readIndexResp';
  readonly index: number;
  readonly ctx: string;
}
export interface MsgTimeoutNow extends Base {
  readonly type: 'timeoutNow';
}
/** Follower → leader: forwarded leadership transfer request. */
export interface MsgTransferLeader extends Base {
  readonly type: 'transferLeader';
  readonly transferee: number;
}

export type Message =
  | MsgApp
  | MsgAppResp
  | MsgVote
  | MsgVoteResp
  | MsgHeartbeat
  | MsgHeartbeatResp
  | MsgReadIndex
  | MsgReadIndexResp
  | MsgTimeoutNow
  | MsgTransferLeader;

export type MessageType = Message['type'];
