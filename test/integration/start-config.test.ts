// Starting the server: bad configuration exits non-zero naming the key; a redis.conf-syntax
// file is honoured, and flags given after it override it.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../helpers/server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const ENTRY = join(ROOT, 'src/bin/pikiraft-server.ts');
const serverArgs = (args: readonly string[]): string[] => ['--import', 'tsx', ENTRY, ...args];

const dirs: string[] = [];
const children: ChildProcess[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'pikiraft-config-'));
  dirs.push(d);
  return d;
};

afterAll(async () => {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    }
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function runToExit(args: readonly string[]): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, serverArgs(args), { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Sends one inline command and returns the first reply line. */
function ask(port: number, line: string): Promise<string> {
  return new Promise((res, rej) => {
    const s = connect(port, '127.0.0.1', () => s.write(`${line}\r\n`));
    let data = '';
    s.on('data', (d: Buffer) => {
      data += d.toString('latin1');
      const end = data.indexOf('\r\n');
      if (end !== -1) {
        s.destroy();
        res(data.slice(0, end));
      }
    });
    s.on('error', rej);
  });
}

async function waitForPong(port: number, child: ChildProcess, output: () => string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${output()}`);
    const ok = await ask(port, 'PING').then(
      (r) => r === '+PONG' || r.startsWith('-NOAUTH'),
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server did not answer on ${port}: ${output()}`);
}

describe('bad configuration', () => {
  it('an unknown key on the command line exits non-zero naming the key', () => {
    const r = runToExit(['--foo', '1', '--dir', tempDir()]);
    expect(r.status).not.toBe(0);
    expect(r.status).not.toBeNull();
    expect(r.output).toContain('foo');
  });

  it('a bad value exits non-zero naming the key', () => {
    const r = runToExit(['--port', 'abc', '--dir', tempDir()]);
    expect(r.status).not.toBe(0);
    expect(r.status).not.toBeNull();
    expect(r.output).toContain('port');
    expect(r.output).toContain('abc');
  });

  it('an unknown key in a config file exits non-zero naming the key and the line', () => {
    const dir = tempDir();
    const file = join(dir, 'bad.conf');
    writeFileSync(file, '# comment\nport 7000\nno-such-option yes\n');
    const r = runToExit([file]);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('no-such-option');
    expect(r.output).toContain(':3');
  });

  it('a missing config file exits non-zero naming the file', () => {
    const r = runToExit([join(tempDir(), 'missing.conf')]);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('missing.conf');
  });
});

describe('config file', () => {
  it('honours a redis.conf-syntax file (comments, quotes, units), and flags override it', async () => {
    const dir = tempDir();
    const dataDir = join(dir, 'data dir');
    const filePort = await freePort();
    const flagPort = await freePort();
    const file = join(dir, 'pikiraft.conf');
    writeFileSync(
      file,
      [
        '# pikiraft test configuration',
        '',
        `port ${filePort}`,
        'bind 127.0.0.1',
        `dir "${dataDir}"`,
        '   requirepass  "s3cret pass"   ',
        'proto-max-bulk-len 2mb',
        'loglevel warning',
        'save ""',
        '',
      ].join('\n'),
    );

    let out = '';
    const child = spawn(process.execPath, serverArgs([file]), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await waitForPong(filePort, child, () => out);
    // requirepass from the file: commands need AUTH.
    expect(await ask(filePort, 'GET x')).toMatch(/^-NOAUTH/);
    // dir from the file, with a quoted value containing a space.
    expect(existsSync(dataDir)).toBe(true);
    // loglevel warning: the info-level "ready" line is not logged.
    expect(out).not.toContain('ready to accept connections');
    const exited = new Promise((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    // The same file with --port and --requirepass flags after it: the flags win.
    const child2 = spawn(process.execPath, serverArgs([file, '--port', String(flagPort), '--requirepass', '']), {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child2);
    let out2 = '';
    child2.stdout!.on('data', (d: Buffer) => (out2 += d.toString()));
    child2.stderr!.on('data', (d: Buffer) => (out2 += d.toString()));
    await waitForPong(flagPort, child2, () => out2);
    expect(await ask(flagPort, 'ECHO hello')).toBe('$5');
    const exited2 = new Promise((r) => child2.once('exit', (code) => r(code)));
    child2.kill('SIGTERM');
    expect(await exited2).toBe(0);
  });
});
