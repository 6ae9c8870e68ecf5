// A backend places the cluster's nodes on addresses and cuts links between them. The runner
// only sees this interface, so nemeses and workloads do not care which backend runs.
import type { Link } from '../partitions.js';

export type BackendName = 'netns' | 'proxy';

export interface NodeAddress {
  readonly id: number;
  /** Where clients (and the runner) reach the node. */
  readonly host: string;
  readonly clientPort: number;
  readonly raftPort: number;
}

export interface Backend {
  readonly name: BackendName;
  readonly nodes: readonly NodeAddress[];
  /** The `raft-peers` value node `id` is started with (its view of where its peers are). */
  peersFor(id: number): string;
  /** The address node `id` binds its client listener to. */
  bindFor(id: number): string;
  /** How to run a command as node `id` (e.g. inside its network namespace). */
  wrapCommand(id: number, command: string, args: readonly string[]): { command: string; args: string[] };
  /** Replaces the current partition: traffic over every link in `cut` is dropped; [] heals. */
  setCut(cut: readonly Link[]): Promise<void>;
  /** Removes every rule and proxy this backend made (not the namespaces of the netns backend's outer half). */
  close(): Promise<void>;
}
