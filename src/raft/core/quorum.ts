// Majority math over a voter set. Learners are never passed here.

/** Largest index acknowledged by a majority of `voters` (0 for an empty config). */
export function committedIndex(voters: ReadonlySet<number>, matchOf: (id: number) => number): number {
  const n = voters.size;
  if (n === 0) return 0;
  const matches: number[] = [];
  for (const id of voters) matches.push(matchOf(id));
  matches.sort((a, b) => b - a);
  // With matches sorted descending, the (q-1)th value is held by at least q voters.
  return matches[quorumSize(n) - 1]!;
}

export function quorumSize(voterCount: number): number {
  return Math.floor(voterCount / 2) + 1;
}

export type VoteResult = 'won' | 'lost' | 'pending';

export function voteResult(voters: ReadonlySet<number>, votes: ReadonlyMap<number, boolean>): VoteResult {
  let granted = 0;
  let rejected = 0;
  for (const id of voters) {
    const v = votes.get(id);
    if (v === true) granted++;
    else if (v === false) rejected++;
  }
  const q = quorumSize(voters.size);
  if (granted >= q) return 'won';
  if (voters.size - rejected < q) return 'lost';
  return 'pending';
}

/** Whether the voters for which `has(id)` is true form a majority. */
export function hasQuorum(voters: ReadonlySet<number>, has: (id: number) => boolean): boolean {
  let n = 0;
  for (const id of voters) if (has(id)) n++;
  return n >= quorumSize(voters.size);
}
