// Child processes for tests, run asynchronously: a test that waits on spawnSync blocks the vitest worker's
// event loop for as long as the child runs, and a long block ends in vitest's "Timeout calling
// onTaskUpdate" on a loaded machine. Long or crash-prone native work goes through these instead.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The compiled package, as children import it (npm test builds dist/ first, in its pretest step). */
export const distUrl = pathToFileURL(join(process.cwd(), 'dist', 'index.js')).href;
export const bindingUrl = pathToFileURL(join(process.cwd(), 'dist', 'binding.js')).href;

export interface ChildResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs `command args` to completion (killed after timeoutMs), collecting its output. */
export function run(command: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {}): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, timedOut });
    });
    // a child that exits without reading its stdin (tmux, a crash) makes the write fail with EPIPE: not an
    // error of the test, which judges the child by its exit status and output
    child.stdin.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') reject(e);
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs an ES module given as source text in a fresh node (`--input-type=module`). */
export function runModule(source: string, opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; nodeArgs?: string[] } = {}): Promise<ChildResult> {
  return run(process.execPath, [...(opts.nodeArgs ?? []), '--input-type=module', '-e', source], opts);
}

/** Runs a module in a shell with `ulimit -v kib` first (address-space cap, so big allocations fail). */
export function runModuleUnderUlimit(source: string, kib: number, opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ChildResult> {
  const script = `ulimit -v ${kib} && exec "${process.execPath}" --input-type=module`;
  return run('bash', ['-c', script], { ...opts, input: source });
}

/** Under AddressSanitizer (npm run test:asan), where ulimit -v and RSS figures say nothing. */
export const underAsan = !!process.env.LD_PRELOAD?.includes('asan');

/** The last JSON line a child printed. */
export function lastJson<T = unknown>(stdout: string): T {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}
