// The chaos suite's netns backend partitions nodes with iptables inside network namespaces it
// creates (ip netns, veth, bridge). As root on Debian, install iptables/iproute2 when missing;
// otherwise say nothing: the runner then detects the proxy backend instead.
import { execFileSync, spawnSync } from 'node:child_process';

const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
const missing = [['ip', 'iproute2'], ['iptables', 'iptables']].filter(([bin]) => !has(bin)).map(([, pkg]) => pkg);
if (missing.length > 0 && process.platform === 'linux' && process.getuid?.() === 0 && has('apt-get')) {
  console.log(`installing ${missing.join(', ')} for the chaos suite's netns backend`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
  } catch (e) {
    // Not fatal: without these tools the runner falls back to the TCP proxy backend.
    console.error(`could not install ${missing.join(', ')} (${e.message}); the chaos runner will use the proxy backend`);
  }
}
