// The cluster benchmark (bench/cluster-benchmark.ts) runs the same workload against a 3-member
// etcd 3.4 cluster. Install Debian's etcd-server (the etcd binary) and etcd-client (etcdctl) when
// missing (root on Debian), else explain what to install.
import { execFileSync, spawnSync } from 'node:child_process';

const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
const packages = [
  ['etcd', 'etcd-server'],
  ['etcdctl', 'etcd-client'],
];
const missing = packages.filter(([bin]) => !has(bin)).map(([, pkg]) => pkg);
if (missing.length > 0) {
  if (process.getuid?.() !== 0 || !has('apt-get')) {
    console.error(`missing ${missing.join(', ')}: install Debian's etcd-server and etcd-client packages`);
    process.exit(1);
  }
  console.log(`installing ${missing.join(' and ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  // The etcd-server package ships a systemd unit that would start a default member on 2379/2380;
  // policy-rc.d is not touched here: in a container without systemd nothing starts, and on a host
  // with systemd a running default member does not disturb the benchmark (it uses free ports).
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
}
