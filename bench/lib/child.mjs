// Child processes: every trial runs in a fresh process with the same BLAS thread settings.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const BENCH = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

export function threadEnv(threads) {
  const t = String(threads);
  return { ...process.env, OPENBLAS_NUM_THREADS: t, OMP_NUM_THREADS: t, MKL_NUM_THREADS: t };
}

/** Runs a command; resolves with the parsed last stdout line, rejects with stderr's tail on failure. */
export function runJson(cmd, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) {
        reject(new Error(`${path.basename(args[0] ?? cmd)} exited with ${signal ?? code}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
        return;
      }
      const last = out.trim().split('\n').pop();
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`${path.basename(args[0] ?? cmd)} printed no JSON result: ${out.slice(-200)}`));
      }
    });
  });
}

/** node bench/drivers/<name>.mjs '<config json>' */
export function runNodeDriver(name, config, threads) {
  return runJson(process.execPath, [path.join(BENCH, 'drivers', `${name}.mjs`), JSON.stringify(config)], threadEnv(threads));
}

/** python3 bench/drivers/numpy_driver.py <cmd> --threads T <flags> */
export function runPythonDriver(python, cmd, flags, threads) {
  const args = [path.join(BENCH, 'drivers', 'numpy_driver.py'), cmd, '--threads', String(threads)];
  for (const [k, v] of Object.entries(flags)) args.push(`--${k}`, String(v));
  return runJson(python, args, threadEnv(threads));
}

export const BENCH_DIR = BENCH;
