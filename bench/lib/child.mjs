// Child processes: every trial runs in a fresh process with the same BLAS thread settings.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const BENCH = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

export function threadEnv(threads) {
  const t = String(threads);
  return { ...process.env, OPENBLAS_NUM_THREADS: t, OMP_NUM_THREADS: t, MKL_NUM_THREADS: t };
}

/**
 * Runs a command; resolves with { result: its last stdout line parsed as JSON, wall_s: spawn-to-exit seconds },
 * rejects with stderr's tail when it fails or prints no JSON. `label` names it in errors.
 */
export function spawnJson(cmd, args, env, label = path.basename(args[0] ?? cmd)) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const wall_s = (performance.now() - t0) / 1000;
      if (code !== 0) {
        reject(new Error(`${label} exited with ${signal ?? code}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
        return;
      }
      try {
        resolve({ result: JSON.parse(out.trim().split('\n').pop()), wall_s });
      } catch {
        reject(new Error(`${label} printed no JSON result: ${out.slice(-200)}`));
      }
    });
  });
}

/** Runs a command; resolves with its last stdout line parsed as JSON. */
export async function runJson(cmd, args, env) {
  return (await spawnJson(cmd, args, env)).result;
}

/** node bench/drivers/<name>.mjs '<config json>' */
export function runNodeDriver(name, config, threads, extraEnv = {}) {
  return runJson(process.execPath, [path.join(BENCH, 'drivers', `${name}.mjs`), JSON.stringify(config)], { ...threadEnv(threads), ...extraEnv });
}

/** python3 bench/drivers/numpy_driver.py <cmd> --threads T <flags> */
export function runPythonDriver(python, cmd, flags, threads) {
  const args = [path.join(BENCH, 'drivers', 'numpy_driver.py'), cmd, '--threads', String(threads)];
  for (const [k, v] of Object.entries(flags)) args.push(`--${k}`, String(v));
  return runJson(python, args, threadEnv(threads));
}

export const BENCH_DIR = BENCH;
