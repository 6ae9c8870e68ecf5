// History bookkeeping, error classification and the workloads' history adapters.
import { describe, expect, it } from 'vitest';
import { completedOps, countByType, History, nemesisIntervals } from '../../chaos/history.js';
import { classifyError, connectFailure, DefiniteFailure } from '../../chaos/outcome.js';
import { toListAppendTxns } from '../../chaos/workloads/list-append.js';
import { toRegisterOperations } from '../../chaos/workloads/register.js';
import { optionsToArgv, toRunOptions, addRunOptions } from '../../chaos/cli-options.js';
import { Command } from 'commander';

function replyError(message: string): Error {
  const e = new Error(message);
  e.name = 'ReplyError';
  return e;
}

describe('History', () => {
  it('pairs invokes with completions, in invoke order', () => {
    const h = new History();
    h.invoke(0, 'write', 'k', '1', 1, 10);
    h.invoke(1, 'read', 'k', null, 2, 11);
    h.complete(1, 'ok', '1', 30);
    h.complete(0, 'ok', 'OK', 40);
    h.invoke(0, 'write', 'k', '2', 1, 50);
    h.complete(0, 'info', null, 90, 'Command timed out');
    h.nemesis('start', 1, 'kill-leader', 'kill -9 leader 1 (pid 9)', 20);
    h.nemesis('stop', 1, 'kill-leader', 'restarted 1 (pid 10)', 60);
    const ops = completedOps(h.events);
    expect(ops.map((o) => [o.process, o.f, o.type, o.callNs, o.completeNs])).toEqual([
      [0, 'write', 'ok', 10, 40],
      [1, 'read', 'ok', 11, 30],
      [0, 'write', 'info', 50, 90],
    ]);
    expect(ops[2]!.error).toBe('Command timed out');
    expect(countByType(ops)).toEqual({ ok: 2, fail: 0, info: 1 });
    expect(nemesisIntervals(h.events)).toEqual([{ faultId: 1, fault: 'kill-leader', detail: 'kill -9 leader 1 (pid 9); restarted 1 (pid 10)', startNs: 20, stopNs: 60 }]);
  });

  it('refuses two ops in flight on one process and completions without invoke', () => {
    const h = new History();
    h.invoke(0, 'read', 'k', null, 1, 1);
    expect(() => h.invoke(0, 'read', 'k', null, 1, 2)).toThrow(/in flight/);
    expect(() => h.complete(5, 'ok', null, 3)).toThrow(/never invoked/);
    expect(() => h.complete(0, 'ok', null, 0)).toThrow(/before it invoked/);
  });

  it('counts an op never completed (run cut short) as unknown', () => {
    const h = new History();
    h.invoke(3, 'add', 's', 'x', 1, 5);
    expect(completedOps(h.events)[0]).toMatchObject({ process: 3, type: 'info', callNs: 5 });
  });
});

describe('classifyError', () => {
  it('definite failures are fail, indeterminate ones info', () => {
    expect(classifyError(replyError('CLUSTERDOWN no leader')).type).toBe('fail');
    expect(classifyError(replyError('MOVED 0 127.0.0.1:7000')).type).toBe('fail');
    expect(classifyError(replyError('WRONGTYPE Operation against a key holding the wrong kind of value')).type).toBe('fail');
    expect(classifyError(replyError('CLUSTERDOWN this node is shutting down')).type).toBe('fail');
    expect(classifyError(replyError('TIMEOUT outcome unknown: entry 5 not applied')).type).toBe('info');
    expect(classifyError(new Error('Command timed out')).type).toBe('info');
    expect(classifyError(new DefiniteFailure('cas: r0 holds 2, not 1')).type).toBe('fail');
    expect(classifyError(new Error('Connection is closed.')).type).toBe('info');
    expect(classifyError(new Error("Stream isn't writeable and enableOfflineQueue options is false")).type).toBe('fail');
    expect(connectFailure(new Error('connect ECONNREFUSED 127.0.0.1:1'))).toEqual({ type: 'fail', error: 'not connected: connect ECONNREFUSED 127.0.0.1:1' });
  });
});

describe('workload adapters', () => {
  const h = new History();
  h.invoke(0, 'write', 'r0', '1', 1, 10);
  h.complete(0, 'ok', 'OK', 20);
  h.invoke(0, 'write', 'r0', '2', 1, 30);
  h.complete(0, 'fail', null, 35, 'CLUSTERDOWN no leader');
  h.invoke(0, 'write', 'r0', '3', 1, 40);
  h.complete(0, 'info', null, 80, 'Command timed out');
  h.invoke(10, 'read', 'r0', null, 1, 90);
  h.complete(10, 'ok', '3', 95);
  h.invoke(11, 'read', 'r0', null, 1, 91);
  h.complete(11, 'fail', null, 96, 'CLUSTERDOWN no leader');

  it('register: failed writes and unanswered reads drop out, unknown writes stay open', () => {
    expect(toRegisterOperations(completedOps(h.events))).toEqual([
      { process: 0, key: 'r0', f: 'write', value: '1', callNs: 10, returnNs: 20 },
      { process: 0, key: 'r0', f: 'write', value: '3', callNs: 40, returnNs: null },
      { process: 10, key: 'r0', f: 'read', value: '3', callNs: 90, returnNs: 95 },
    ]);
  });

  it('register: a compare-and-set is a cas op, left out when it definitely failed', () => {
    const g = new History();
    g.invoke(0, 'cas', 'r1', ['1', '2'], 1, 10);
    g.complete(0, 'ok', 'OK', 20);
    g.invoke(0, 'cas', 'r1', ['1', '3'], 1, 30);
    g.complete(0, 'fail', null, 35, 'cas: r1 holds 2, not 1');
    g.invoke(0, 'cas', 'r1', ['2', '4'], 1, 40);
    g.complete(0, 'info', null, 80, 'Command timed out');
    expect(toRegisterOperations(completedOps(g.events))).toEqual([
      { process: 0, key: 'r1', f: 'cas', expected: '1', value: '2', callNs: 10, returnNs: 20 },
      { process: 0, key: 'r1', f: 'cas', expected: '2', value: '4', callNs: 40, returnNs: null },
    ]);
  });

  it('list-append: a MULTI/EXEC transaction carries its micro-ops; unfinished ones read nothing known', () => {
    const g = new History();
    g.invoke(0, 'txn', 'l0,l1', JSON.stringify([['append', 'l0', 1], ['r', 'l1', null]]), 1, 1);
    g.complete(0, 'ok', JSON.stringify([['append', 'l0', 1], ['r', 'l1', [4]]]), 2);
    g.invoke(1, 'txn', 'l1,l0', JSON.stringify([['r', 'l1', null], ['append', 'l0', 2]]), 1, 3);
    g.complete(1, 'info', null, 6);
    expect(toListAppendTxns(completedOps(g.events))).toEqual([
      { process: 0, type: 'ok', ops: [{ f: 'append', key: 'l0', value: 1 }, { f: 'r', key: 'l1', value: [4] }], callNs: 1, returnNs: 2 },
      { process: 1, type: 'info', ops: [{ f: 'r', key: 'l1', value: null }, { f: 'append', key: 'l0', value: 2 }], callNs: 3, returnNs: null },
    ]);
  });

  it('list-append: one single-op transaction per op', () => {
    const g = new History();
    g.invoke(0, 'append', 'l0', 1, 1, 1);
    g.complete(0, 'ok', 1, 2);
    g.invoke(1, 'read', 'l0', null, 1, 3);
    g.complete(1, 'ok', [1], 4);
    g.invoke(2, 'read', 'l0', null, 1, 5);
    g.complete(2, 'info', null, 6);
    expect(toListAppendTxns(completedOps(g.events))).toEqual([
      { process: 0, type: 'ok', ops: [{ f: 'append', key: 'l0', value: 1 }], callNs: 1, returnNs: 2 },
      { process: 1, type: 'ok', ops: [{ f: 'r', key: 'l0', value: [1] }], callNs: 3, returnNs: 4 },
      { process: 2, type: 'info', ops: [{ f: 'r', key: 'l0', value: null }], callNs: 5, returnNs: null },
    ]);
  });
});

describe('run options', () => {
  it('survive the round trip through argv (the netns backend re-executes the CLI with them)', () => {
    const parse = (argv: string[]) => toRunOptions(addRunOptions(new Command()).exitOverride().parse(argv, { from: 'user' }).opts() as Parameters<typeof toRunOptions>[0]);
    const o = parse(['--workload', 'set', '--nemesis', 'kill,partition-ring', '--nodes', '3', '--time', '9', '--seed', '7', '--server-arg', 'read-consistency=stale', '--no-progress']);
    expect(o).toMatchObject({ workload: 'set', nodes: 3, timeSec: 9, seed: 7, serverArgs: ['read-consistency', 'stale'], progress: false });
    expect(o.nemeses).toEqual(['kill-random', 'kill-leader', 'kill-majority', 'partition-ring']);
    expect(parse(optionsToArgv(o))).toEqual({ ...o, backend: 'netns' });
    expect(() => parse(['--nodes', '0'])).toThrow(/--nodes must be an integer in 1..9/);
  });
});
