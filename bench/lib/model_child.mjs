// One measured child process of `npm run bench:model`: wall time from spawn to exit (taken here), and the
// maximum RSS from GNU time (`/usr/bin/time -v`, when installed) as a check on the child's own VmHWM.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { spawnJson } from './child.mjs';

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
export async function runMeasured(cmd, args, env, tmpDir) {
  const timeFile = path.join(tmpDir, `time-v-${process.pid}.txt`);
  const useTime = hasGnuTime();
  const [c, a] = useTime ? [GNU_TIME, ['-v', '-o', timeFile, cmd, ...args]] : [cmd, args];
  const readTimeV = () => {
    if (!useTime || !existsSync(timeFile)) return null;
    const t = parseTimeV(readFileSync(timeFile, 'utf8'));
    rmSync(timeFile, { force: true });
    return t;
  };
  try {
    const { result, wall_s } = await spawnJson(c, a, env, path.basename(args[0] ?? cmd));
    return { ...result, process_wall_s: wall_s, time_v: readTimeV() };
  } catch (e) {
    readTimeV();
    throw e;
  }
}
