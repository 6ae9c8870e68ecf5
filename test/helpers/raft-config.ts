// A RaftConfig for unit tests that drive one RaftNode by hand (no election randomness to speak of).
import { Mulberry32, type RaftConfig, type Storage } from '../../src/raft/core/index.js';

export function testRaftConfig(id: number, peers: readonly number[], storage: Storage, applied: number, seed = 1): RaftConfig {
  return {
    id,
    peers,
    learners: [],
    electionTicks: 10,
    heartbeatTicks: 1,
    preVote: false,
    checkQuorum: false,
    maxInflightMsgs: 8,
    maxInflightBytes: 0,
    maxSizePerMsgBytes: 1 << 20,
    rng: new Mulberry32(seed),
    storage,
    applied,
  };
}
