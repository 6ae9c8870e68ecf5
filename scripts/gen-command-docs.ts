// Writes src/commands/command-docs.ts: what redis-server 7.0 says about every command pikiraft
// registers (COMMAND DOCS, and the tips and key specs of COMMAND INFO), as data.
// Run after registering a command: `node scripts/ensure-redis-tools.mjs && npx tsx scripts/gen-command-docs.ts`.
// Redis generates its own table from src/commands/*.json the same way.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildCommandTable } from '../src/commands/index.js';
import { subcommandsOf, type ArgumentDoc, type CommandDocs, type CommandReference, type KeySpec, type KeySpecFlag } from '../src/commands/table.js';
import { startRedis } from '../test/helpers/redis-server.js';
import { entriesOf, intOf, itemsOf, RespClient, textOf, type RespValue } from '../test/helpers/resp-client.js';

const OUT = join(resolve(import.meta.dirname, '..'), 'src/commands/command-docs.ts');

function expectKeys(m: Map<string, RespValue>, allowed: readonly string[], what: string): void {
  for (const k of m.keys()) if (!allowed.includes(k)) throw new Error(`${what}: field ${k} is not modelled in table.ts`);
}

function optText(m: Map<string, RespValue>, key: string): string | undefined {
  const v = m.get(key);
  return v === undefined ? undefined : textOf(v);
}

function toArgument(v: RespValue): ArgumentDoc {
  const m = entriesOf(v);
  expectKeys(m, ['name', 'type', 'key_spec_index', 'token', 'summary', 'since', 'deprecated_since', 'flags', 'arguments'], 'argument');
  const keySpec = m.get('key_spec_index');
  const flags = m.get('flags');
  const args = m.get('arguments');
  return {
    name: textOf(m.get('name')!),
    type: textOf(m.get('type')!) as ArgumentDoc['type'],
    ...(keySpec && { keySpecIndex: intOf(keySpec) }),
    ...(m.has('token') && { token: optText(m, 'token') }),
    ...(m.has('summary') && { summary: optText(m, 'summary') }),
    ...(m.has('since') && { since: optText(m, 'since') }),
    ...(m.has('deprecated_since') && { deprecatedSince: optText(m, 'deprecated_since') }),
    ...(flags && { flags: itemsOf(flags).map(textOf) as ArgumentDoc['flags'] }),
    ...(args && { arguments: itemsOf(args).map(toArgument) }),
  };
}

function toDocs(v: RespValue): CommandDocs {
  const m = entriesOf(v);
  expectKeys(m, ['summary', 'since', 'group', 'complexity', 'doc_flags', 'deprecated_since', 'replaced_by', 'history', 'arguments', 'subcommands'], 'docs');
  const docFlags = m.get('doc_flags');
  const history = m.get('history');
  const args = m.get('arguments');
  return {
    summary: textOf(m.get('summary')!),
    since: textOf(m.get('since')!),
    group: textOf(m.get('group')!),
    ...(m.has('complexity') && { complexity: optText(m, 'complexity') }),
    ...(docFlags && { docFlags: itemsOf(docFlags).map(textOf) as CommandDocs['docFlags'] }),
    ...(m.has('deprecated_since') && { deprecatedSince: optText(m, 'deprecated_since') }),
    ...(m.has('replaced_by') && { replacedBy: optText(m, 'replaced_by') }),
    ...(history && { history: itemsOf(history).map((h) => itemsOf(h).map(textOf) as [string, string]) }),
    ...(args && { arguments: itemsOf(args).map(toArgument) }),
  };
}

function toKeySpec(v: RespValue): KeySpec {
  const m = entriesOf(v);
  expectKeys(m, ['notes', 'flags', 'begin_search', 'find_keys'], 'key spec');
  const bs = entriesOf(m.get('begin_search')!);
  const bsSpec = entriesOf(bs.get('spec')!);
  const fk = entriesOf(m.get('find_keys')!);
  const fkSpec = entriesOf(fk.get('spec')!);
  const bsType = textOf(bs.get('type')!);
  const fkType = textOf(fk.get('type')!);
  if (bsType !== 'index' && bsType !== 'keyword' && bsType !== 'unknown') throw new Error(`begin_search type ${bsType} is not modelled`);
  if (fkType !== 'range' && fkType !== 'keynum' && fkType !== 'unknown') throw new Error(`find_keys type ${fkType} is not modelled`);
  return {
    ...(m.has('notes') && { notes: optText(m, 'notes') }),
    flags: itemsOf(m.get('flags')!).map(textOf) as KeySpecFlag[],
    beginSearch:
      bsType === 'index'
        ? { type: 'index', index: intOf(bsSpec.get('index')!) }
        : bsType === 'keyword'
          ? { type: 'keyword', keyword: textOf(bsSpec.get('keyword')!), startFrom: intOf(bsSpec.get('startfrom')!) }
          : { type: 'unknown' },
    findKeys:
      fkType === 'range'
        ? { type: 'range', lastKey: intOf(fkSpec.get('lastkey')!), keyStep: intOf(fkSpec.get('keystep')!), limit: intOf(fkSpec.get('limit')!) }
        : fkType === 'keynum'
          ? { type: 'keynum', keyNumIdx: intOf(fkSpec.get('keynumidx')!), firstKey: intOf(fkSpec.get('firstkey')!), keyStep: intOf(fkSpec.get('keystep')!) }
          : { type: 'unknown' },
  };
}

/** JSON on one line when short, otherwise one member per line: readable diffs for a data file. */
function format(value: unknown, indent: string): string {
  const flat = JSON.stringify(value);
  if (flat.length + indent.length <= 110 || value === null || typeof value !== 'object') return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value)) return `[\n${value.map((x) => `${inner}${format(x, inner)},`).join('\n')}\n${indent}]`;
  const fields = Object.entries(value as Record<string, unknown>).map(([k, x]) => `${inner}${JSON.stringify(k)}: ${format(x, inner)},`);
  return `{\n${fields.join('\n')}\n${indent}}`;
}

async function main(): Promise<void> {
  const names = buildCommandTable()
    .all()
    .flatMap((c) => [c, ...subcommandsOf(c)])
    .map((c) => c.fullName)
    .sort();
  const redis = await startRedis();
  const client = await RespClient.connect(redis.port);
  try {
    await client.call('HELLO', '3');
    const reference: Record<string, CommandReference> = {};
    const unknown: string[] = [];
    for (const name of names) {
      const info = itemsOf((await client.call('COMMAND', 'INFO', name)).value)[0]!;
      if (info.t === 'null') {
        unknown.push(name);
        continue;
      }
      const docs = entriesOf((await client.call('COMMAND', 'DOCS', name)).value).get(name)!;
      const fields = itemsOf(info);
      reference[name] = { docs: toDocs(docs), tips: itemsOf(fields[7]!).map(textOf), keySpecs: itemsOf(fields[8]!).map(toKeySpec) };
    }
    const body = Object.entries(reference)
      .map(([name, ref]) => `  ${JSON.stringify(name)}: ${format(ref, '  ')},`)
      .join('\n');
    writeFileSync(
      OUT,
      `// Generated by scripts/gen-command-docs.ts from redis-server ${textOf(entriesOf((await client.call('HELLO', '3')).value).get('version')!)}: do not edit.\n` +
        '// What Redis says about each command pikiraft registers beyond arity, flags, key range and ACL\n' +
        '// categories (those are declared with the command): COMMAND DOCS, the tips and the key specs.\n' +
        "import type { CommandReference } from './table.js';\n\n" +
        `export const REDIS_COMMAND_REFERENCE: Readonly<Record<string, CommandReference>> = {\n${body}\n};\n`,
    );
    console.log(`wrote ${Object.keys(reference).length} commands to ${OUT}`);
    if (unknown.length > 0) console.log(`not in redis-server (inline docs kept): ${unknown.join(', ')}`);
  } finally {
    client.close();
    await redis.stop();
  }
}

await main();
