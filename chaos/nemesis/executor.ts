// Runs the seed's fault schedule against the live cluster: starts and stops each fault at its
// time, records both in the history, and at the end heals everything whatever state it is in.
import type { ChaosCluster } from '../cluster.js';
import { configSet } from '../control-client.js';
import type { History } from '../history.js';
import { familyOf, type Fault, type ScheduledFault } from '../schedule.js';
import type { NemesisContext, StartedFault } from './fault.js';
import { startKill } from './kill.js';
import { startPartition } from './partition.js';
import { startPause } from './pause.js';
import { startSkew } from './skew.js';
import { WakeableSleep } from '../wakeable-sleep.js';

function startFault(ctx: NemesisContext, fault: Fault): Promise<StartedFault> {
  switch (fault.kind) {
    case 'kill':
      return startKill(ctx, fault);
    case 'pause':
      return startPause(ctx, fault);
    case 'partition':
      return startPartition(ctx, fault);
    case 'skew':
      return startSkew(ctx, fault);
  }
}

export interface NemesisStatus {
  /** Faults running now, "variant: detail". */
  active(): string[];
}

export class NemesisExecutor implements NemesisStatus {
  private readonly running = new Map<number, { variant: string; detail: string; started: StartedFault }>();
  private stopped = false;
  /** Per fault family: its starts and stops, chained in schedule order. */
  private readonly actions = new Map<string, Promise<void>>();
  private loop: Promise<void> | null = null;
  /** Errors from fault actions (a fault that could not start is recorded, the run goes on). */
  readonly errors: string[] = [];

  constructor(
    private readonly cluster: ChaosCluster,
    private readonly history: History,
    private readonly schedule: readonly ScheduledFault[],
    private readonly nowNs: () => number,
  ) {}

  active(): string[] {
    return [...this.running.values()].map((r) => `${r.variant}: ${r.detail}`);
  }

  /** Starts walking the schedule; times are relative to `t0Ms` (Date-free: from nowNs). */
  begin(): void {
    const ctx: NemesisContext = { cluster: this.cluster };
    const t0Ns = this.nowNs();
    const actions = this.schedule
      .flatMap((f) => [
        { atMs: f.startMs, kind: 'start' as const, f },
        { atMs: f.endMs, kind: 'stop' as const, f },
      ])
      // Stops before starts at equal times, so a family never has two faults at once.
      .sort((a, b) => a.atMs - b.atMs || (a.kind === 'stop' ? -1 : 1));
    this.loop = (async () => {
      for (const a of actions) {
        const waitMs = a.atMs - (this.nowNs() - t0Ns) / 1e6;
        if (waitMs > 0) await this.sleepUnlessStopped(waitMs);
        if (this.stopped) return;
        // Families act concurrently (a restart can take seconds; a partition must not wait for
        // it), but within a family actions stay in order: a fault's stop before the next start.
        const family = familyOf(a.f.variant);
        const prior = this.actions.get(family) ?? Promise.resolve();
        this.actions.set(family, prior.then(() => (a.kind === 'start' ? this.startOne(ctx, a.f) : this.stopOne(a.f.id))));
      }
    })();
  }

  private async startOne(ctx: NemesisContext, f: ScheduledFault): Promise<void> {
    try {
      const started = await startFault(ctx, f.fault);
      this.running.set(f.id, { variant: f.variant, detail: started.detail, started });
      this.history.nemesis('start', f.id, f.variant, started.detail, this.nowNs());
    } catch (e) {
      this.errors.push(`${f.variant} #${f.id} start: ${(e as Error).message}`);
    }
  }

  private async stopOne(id: number): Promise<void> {
    const r = this.running.get(id);
    if (r === undefined) return;
    this.running.delete(id);
    let detail: string;
    try {
      detail = await r.started.stop();
    } catch (e) {
      detail = `stop failed: ${(e as Error).message}`;
      this.errors.push(`${r.variant} #${id} stop: ${(e as Error).message}`);
    }
    this.history.nemesis('stop', id, r.variant, detail, this.nowNs());
  }

  private readonly pause = new WakeableSleep();

  private sleepUnlessStopped(ms: number): Promise<void> {
    return this.pause.sleep(ms);
  }

  /**
   * Stops the schedule, undoes every running fault, then makes sure of a healthy baseline no
   * matter what: links healed, every paused node continued, every dead node restarted, clocks reset.
   */
  async healAll(): Promise<void> {
    this.stopped = true;
    this.pause.wakeNow();
    await this.loop;
    await Promise.all(this.actions.values());
    for (const id of [...this.running.keys()]) await this.stopOne(id);
    await this.cluster.backend.setCut([]);
    for (const n of this.cluster.nodes) if (n.state === 'paused') this.cluster.resume(n.address.id);
    await Promise.all(this.cluster.nodes.filter((n) => n.state === 'dead').map((n) => this.cluster.start(n.address.id)));
    for (const n of this.cluster.nodes) await configSet(n.address, 'debug-clock-offset-ms', '0').catch(() => undefined);
  }
}
