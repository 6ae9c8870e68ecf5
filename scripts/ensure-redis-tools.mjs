// Tests and benchmarks compare against Debian's redis-server and drive servers with
// redis-cli / redis-benchmark. Install them when missing (root on Debian), else explain.
import { execFileSync, spawnSync } from 'node:child_process';

const needed = ['redis-server', 'redis-cli', 'redis-benchmark'];
const missing = needed.filter((bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0);
if (missing.length > 0) {
  if (process.getuid?.() !== 0 || spawnSync('sh', ['-c', 'command -v apt-get']).status !== 0) {
    console.error(`missing ${missing.join(', ')}: install Debian's redis-server and redis-tools packages`);
    process.exit(1);
  }
  console.log(`installing redis-server and redis-tools (missing: ${missing.join(', ')})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'redis-server', 'redis-tools'], { stdio: 'inherit', env });
}
