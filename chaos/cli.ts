// `npm run chaos -- [flags]`: one chaos run; prints one summary line with the report's path and
// exits 1 if any check failed (2 on a usage or setup error).
import { Command, Option } from 'commander';
import { addRunOptions, toRunOptions } from './cli-options.js';
import { runChaos } from './runner.js';

const program = addRunOptions(new Command('chaos'))
  .description('Start a fresh pikiraft cluster, run a workload under faults, check the history and write an HTML report.')
  .addOption(new Option('--netns-tag <tag>', 'internal: run inside the netns topology with this tag').hideHelp())
  .addOption(new Option('--report-dir <dir>', 'internal: the exact report directory').hideHelp());

program.parse();
const raw = program.opts();

try {
  const o = toRunOptions(raw as Parameters<typeof toRunOptions>[0]);
  const inner = raw['netnsTag'] !== undefined ? { netnsTag: String(raw['netnsTag']), reportDir: String(raw['reportDir']) } : undefined;
  const outcome = await runChaos(o, inner);
  // The inner half of a netns run stays quiet: the outer one prints the summary.
  if (inner === undefined) process.stdout.write(`${outcome.summary}\n`);
  process.exit(outcome.ok ? 0 : 1);
} catch (e) {
  process.stderr.write(`chaos: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(2);
}
