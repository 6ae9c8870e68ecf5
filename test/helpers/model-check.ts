// Shared pieces of the model-based property tests (test/property/*-model.test.ts): strict reply
// readers and the property that runs random command sequences against a real server and an
// in-memory model.
import { afterAll, beforeAll, describe, it } from 'vitest';
import fc from 'fast-check';
import { RespClient, type RespValue } from './resp-client.js';
import { startServer, type ServerHandle } from './server.js';

export const bulkOf = (v: RespValue): string | null => {
  if (v.t === 'null') return null;
  if (v.t !== 'bulk') throw new Error(`expected a bulk string, got ${JSON.stringify(v)}`);
  return v.s;
};
export const intOf = (v: RespValue): number => {
  if (v.t !== 'int') throw new Error(`expected an integer, got ${JSON.stringify(v)}`);
  return Number(v.n);
};
export const itemsOf = (v: RespValue): string[] => {
  if (v.t !== 'array') throw new Error(`expected an array, got ${JSON.stringify(v)}`);
  return v.items.map((i) => bulkOf(i) ?? '<nil>');
};

export interface ModelSpec<M, C> {
  cmdArb: fc.Arbitrary<C>;
  newModel(): M;
  /** Runs one command on the server, checking its reply against the model and updating it. */
  step(c: RespClient, model: M, cmd: C): Promise<void>;
  /** Checks the server's final state against the model. */
  checkAll(c: RespClient, model: M): Promise<void>;
  seed: number;
}

/** A describe block running sequences of up to 40 random commands (60 runs) against one fresh server. */
export function describeModel<M, C>(title: string, spec: ModelSpec<M, C>): void {
  describe(title, () => {
    let server: ServerHandle;
    let client: RespClient;

    beforeAll(async () => {
      server = await startServer();
      client = await RespClient.connect(server.port);
    });

    afterAll(async () => {
      client?.close();
      await server?.cleanup();
    });

    it('every reply and the final state agree with the model', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(spec.cmdArb, { minLength: 1, maxLength: 40 }), async (cmds) => {
          await client.call('FLUSHALL');
          const model = spec.newModel();
          for (const cmd of cmds) await spec.step(client, model, cmd);
          await spec.checkAll(client, model);
        }),
        { numRuns: 60, seed: spec.seed, endOnFailure: true },
      );
    });
  });
}
