import { describe, expect, it } from 'vitest';
import { loadRegisterChecker } from './linearizability.js';
import { runSim } from './sim.js';

const SEEDS = 300;

describe('deterministic raft simulation', () => {
  it(`keeps election safety, log matching, leader completeness and state machine safety over ${SEEDS} seeds (3 and 5 nodes)`, async () => {
    const checker = await loadRegisterChecker();
    let commits = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const nodes = seed % 2 === 0 ? 5 : 3;
      let r;
      try {
        r = runSim({ seed, nodes, steps: 3000 });
      } catch (err) {
        throw new Error(`${(err as Error).message}\nreplay: npx tsx test/sim/run.ts --seed ${seed} --nodes ${nodes} --steps 3000`);
      }
      commits += r.stats.commits;
      if (checker !== null) {
        const v = checker(r.history);
        if (!v.ok) throw new Error(`seed ${seed}: not linearizable on ${v.key}: ${v.message}\nreplay: npx tsx test/sim/run.ts --seed ${seed} --nodes ${nodes}`);
      }
    }
    // The faults must not stop all progress, else the safety checks would be vacuous.
    expect(commits / SEEDS).toBeGreaterThan(10);
  }, 120_000);

  it('is deterministic: the same seed gives the same history', () => {
    const a = runSim({ seed: 42, nodes: 5, steps: 1500 });
    const b = runSim({ seed: 42, nodes: 5, steps: 1500 });
    expect(JSON.stringify(a)).toEqual(JSON.stringify(b));
  });
});
