// One measured child process of `npm run bench:model`: wall time from spawn to exit (taken here), and the
// maximum RSS from GNU time (`/usr/bin/time -v`, when installed) as a check on the child's own VmHWM.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const GNU_TIME = '/usr/bin/time';

export const hasGnuTime = () => existsSync(GNU_TIME);

function parseTimeV(text) {
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(text);
  const code = /Exit status: (\d+)/.exec(text);
  return { max_rss_kb: rss ? Number(rss[1]) : null, exit_status: code ? Number(code[1]) : null };
}

/**
 * Runs `cmd args` (under GNU time when available, writing its report to `tmpDir`), resolves with the last
 * stdout line parsed as JSON plus { process_wall_s, time_v }; rejects with stderr's tail on failure.
 */
export function runMeasured(cmd, args, env, tmpDir) {
  const timeFile = path.join(tmpDir, `time-v-${process.pid}.txt`);
  const useTime = hasGnuTime();
  const [c, a] = useTime ? [GNU_TIME, ['-v', '-o', timeFile, cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(c, a, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const wall = (performance.now() - t0) / 1000;
      let timeV = null;
      if (useTime && existsSync(timeFile)) {
        timeV = parseTimeV(readFileSync(timeFile, 'utf8'));
        rmSync(timeFile, { force: true });
      }
      const what = path.basename(args[0] ?? cmd);
      if (code !== 0) {
        reject(new Error(`${what} exited with ${signal ?? code}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
        return;
      }
      try {
        resolve({ ...JSON.parse(out.trim().split('\n').pop()), process_wall_s: wall, time_v: timeV });
      } catch {
        reject(new Error(`${what} printed no JSON result: ${out.slice(-200)}`));
      }
    });
  });
}
