// Which backends this machine can run, found by trying rather than assuming: netns needs Linux,
// root, ip and iptables that work inside a fresh namespace; the proxy needs nothing; containers
// need a reachable Docker engine (only detected: the suite has no container backend to run).
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import type { BackendChoice } from '../options.js';
import type { BackendName } from './backend.js';
import { run } from './exec.js';

export interface Availability {
  readonly available: boolean;
  readonly reason: string;
}

export interface Detection {
  readonly netns: Availability;
  readonly proxy: Availability;
  readonly docker: Availability;
}

const DOCKER_PING_TIMEOUT_MS = 1000;

export async function detectBackends(): Promise<Detection> {
  const [netns, docker] = await Promise.all([detectNetns(), detectDocker()]);
  return { netns, proxy: { available: true, reason: 'TCP proxies on 127.0.0.1' }, docker };
}

export function chooseBackend(choice: BackendChoice, d: Detection): BackendName {
  if (choice === 'proxy') return 'proxy';
  if (choice === 'netns') {
    if (!d.netns.available) throw new Error(`--backend netns is unavailable: ${d.netns.reason}`);
    return 'netns';
  }
  return d.netns.available ? 'netns' : 'proxy';
}

async function detectNetns(): Promise<Availability> {
  if (process.platform !== 'linux') return { available: false, reason: 'not Linux' };
  if (process.getuid?.() !== 0) return { available: false, reason: 'not root' };
  const probe = `pkrprobe${process.pid}`;
  try {
    await run('ip', ['netns', 'add', probe]);
  } catch (e) {
    return { available: false, reason: `ip netns add failed: ${(e as Error).message}` };
  }
  try {
    await run('ip', ['-n', probe, 'link', 'add', 'br0', 'type', 'bridge']);
    await run('ip', ['netns', 'exec', probe, 'iptables', '-A', 'INPUT', '-s', '10.213.0.1', '-j', 'DROP']);
    return { available: true, reason: 'root on Linux with ip netns, bridges and iptables' };
  } catch (e) {
    return { available: false, reason: (e as Error).message };
  } finally {
    await run('ip', ['netns', 'del', probe]).catch(() => undefined);
  }
}

async function detectDocker(): Promise<Availability> {
  const host = process.env['DOCKER_HOST'];
  const socketPath = host?.startsWith('unix://') ? host.slice('unix://'.length) : host === undefined ? '/var/run/docker.sock' : null;
  if (socketPath === null) return { available: false, reason: `DOCKER_HOST=${host} is not a unix socket; only local engines are probed` };
  if (!existsSync(socketPath)) return { available: false, reason: `unavailable: no Docker engine socket at ${socketPath}` };
  const answer = await new Promise<string>((resolve) => {
    const s = connect({ path: socketPath });
    let data = '';
    const timer = setTimeout(() => s.destroy(), DOCKER_PING_TIMEOUT_MS);
    s.on('connect', () => s.write('GET /_ping HTTP/1.0\r\n\r\n'));
    s.on('data', (d) => (data += d.toString()));
    s.on('error', () => undefined);
    s.on('close', () => {
      clearTimeout(timer);
      resolve(data);
    });
  });
  if (/\r\n\r\nOK$/.test(answer)) return { available: false, reason: 'a Docker engine answers, but the suite has no container backend yet (use netns or proxy)' };
  return { available: false, reason: `unavailable: the Docker engine at ${socketPath} does not answer` };
}
