// Runs a system tool (ip, iptables) and returns its stdout; failures carry its stderr.
import { execFile } from 'node:child_process';

const TOOL_TIMEOUT_MS = 10_000;

export function run(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, [...args], { timeout: TOOL_TIMEOUT_MS }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} ${args.join(' ')} failed: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
  });
}
