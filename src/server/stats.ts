// Server statistics for INFO stats/commandstats: per-command calls and time, totals.
import type { Reply } from '../resp/reply.js';

export interface CommandStat {
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
}

export class CommandStats {
  readonly commands = new Map<string, CommandStat>();
  totalCommands = 0;
  totalConnections = 0;
  rejectedConnections = 0;
  errorReplies = 0;
  readonly errorCounts = new Map<string, number>();
  netInputBytes = 0;
  netOutputBytes = 0;

  private stat(name: string): CommandStat {
    let s = this.commands.get(name);
    if (!s) {
      s = { calls: 0, usec: 0, rejectedCalls: 0, failedCalls: 0 };
      this.commands.set(name, s);
    }
    return s;
  }

  record(name: string, startNs: bigint, reply: Reply): void {
    const s = this.stat(name);
    s.calls++;
    s.usec += Number((process.hrtime.bigint() - startNs) / 1000n);
    this.totalCommands++;
    if (reply.t === 'error') {
      s.failedCalls++;
      this.countError(reply.s);
    }
  }

  rejectedCommand(name: string): void {
    this.stat(name).rejectedCalls++;
    this.countError('NOAUTH');
  }

  /** Unknown command or bad arity: Redis counts these as errors but not per command. */
  rejected(argv: readonly Buffer[]): void {
    void argv;
    this.countError('ERR');
  }

  private countError(text: string): void {
    this.errorReplies++;
    const code = text.split(' ')[0]!;
    this.errorCounts.set(code, (this.errorCounts.get(code) ?? 0) + 1);
  }

  reset(): void {
    this.commands.clear();
    this.totalCommands = 0;
    this.totalConnections = 0;
    this.rejectedConnections = 0;
    this.errorReplies = 0;
    this.errorCounts.clear();
    this.netInputBytes = 0;
    this.netOutputBytes = 0;
  }
}
