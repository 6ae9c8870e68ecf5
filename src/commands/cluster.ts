// Commands about the Raft cluster and follower reads (READONLY/READWRITE as in Redis Cluster).
import { OK, verbatim } from '../resp/reply.js';
import { localCommand, type Command } from './table.js';

export const clusterCommands: Command[] = [
  localCommand(
    'readonly',
    {
      arity: 1,
      flags: ['fast', 'loading', 'stale'],
      acl: ['@fast', '@connection'],
      docs: { summary: 'Enables read-only queries for a connection to a replica node.', since: '3.0.0', group: 'cluster', complexity: 'O(1)' },
    },
    (session) => {
      session.readonlyReads = true;
      return OK;
    },
  ),
  localCommand(
    'readwrite',
    {
      arity: 1,
      flags: ['fast', 'loading', 'stale'],
      acl: ['@fast', '@connection'],
      docs: { summary: 'Enables read-write queries for a connection to a replica node.', since: '3.0.0', group: 'cluster', complexity: 'O(1)' },
    },
    (session) => {
      session.readonlyReads = false;
      return OK;
    },
  ),
  localCommand(
    'raft.info',
    {
      arity: 1,
      flags: ['loading', 'stale'],
      acl: ['@slow'],
      docs: { summary: 'Returns the Raft state of this node (the INFO raft section).', since: '1.0.0', group: 'server', complexity: 'O(members)' },
    },
    (session) => verbatim(session.server.info(['raft'])),
  ),
];
