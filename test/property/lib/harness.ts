// The property suite's driver. For one test file: every case goes to numpy in ONE Python child
// (oracle.py), and to weightscope in a Node child (child.mjs: all cases in one process, or one process per
// case for families that can crash the process); then each result is compared with the reference.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Case {
  id: string;
  fam: string;
  args: Record<string, unknown>;
}

/** What numpy says: a value, or that the result is undefined (a typed error is due), or either. */
export type Reference = { value: unknown; either?: boolean } | { error: string; either?: boolean; why?: string };

/** What weightscope did, in each form the function has (sync and/or async). */
export type Outcome = { ok: true; value: unknown } | { ok: false; name: string; code?: string; message: string };
export interface JsResult {
  id: string;
  forms: Record<string, Outcome>;
}

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const DIST = fileURLToPath(new URL('../../../dist/index.js', import.meta.url));

let pythonCache: string | null | undefined;

/** A Python with numpy, scipy and mpmath: WEIGHTSCOPE_PYTHON, the CI venv, or python3; null if none. */
export function findPython(): string | null {
  if (pythonCache !== undefined) return pythonCache;
  for (const py of [process.env.WEIGHTSCOPE_PYTHON, '/tmp/stvenv/bin/python', 'python3'].filter((p): p is string => !!p)) {
    const r = spawnSync(py, ['-c', 'import numpy, scipy, mpmath'], { encoding: 'utf8' });
    if (r.status === 0) return (pythonCache = py);
  }
  return (pythonCache = null);
}

export const NO_PYTHON = 'needs a Python with numpy, scipy and mpmath (set WEIGHTSCOPE_PYTHON); none was found';

interface Ran {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  error?: Error;
}

/**
 * A child fed `input` on stdin, awaited without blocking: spawnSync here would stall the vitest worker's
 * event loop for the whole campaign (vitest then fails the run with "Timeout calling onTaskUpdate").
 */
function run(cmd: string, args: string[], input: string, timeoutMs: number): Promise<Ran> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let error: Error | undefined;
    const timer = setTimeout(() => {
      error = new Error(`timed out after ${timeoutMs} ms`);
      p.kill('SIGKILL');
    }, timeoutMs);
    p.stdout.on('data', (d: Buffer) => out.push(d));
    p.stderr.on('data', (d: Buffer) => err.push(d));
    p.on('error', (e) => (error = e));
    p.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), error });
    });
    p.stdin.on('error', () => {}); // a child that dies early closes its stdin: reported through close
    p.stdin.end(input);
  });
}

/** numpy's answer for every case, from one Python process. */
export async function oracle(cases: Case[]): Promise<Map<string, Reference>> {
  const py = findPython();
  if (!py) throw new Error(NO_PYTHON);
  const r = await run(py, [here('./oracle.py')], JSON.stringify(cases), 600_000);
  if (r.status !== 0) throw new Error(`oracle.py failed (${r.status}): ${r.stderr.slice(-4000)}`);
  const out = JSON.parse(r.stdout) as Record<string, Reference>;
  return new Map(Object.entries(out));
}

async function runChild(cases: Case[]): Promise<{ results: JsResult[]; crashed?: { id: string; how: string } }> {
  const r = await run(process.execPath, [here('./child.mjs'), DIST], JSON.stringify(cases), 300_000);
  const results: JsResult[] = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as JsResult);
  if (r.status === 0 && results.length === cases.length) return { results };
  // The case that was running when the process died: the last one announced on stderr.
  const started = [...r.stderr.matchAll(/^@start (\S+)$/gm)].map((m) => m[1]);
  const id = started[started.length - 1] ?? cases[results.length]?.id ?? '?';
  const tail = r.stderr.replace(/^@start \S+\n/gm, '').slice(-600);
  const how = r.error ? String(r.error) : `exit ${r.status}${r.signal ? `, signal ${r.signal}` : ''}: ${tail}`;
  return { results, crashed: { id, how } };
}

/** Runs `f` over `items`, `width` at a time. */
async function pool<T>(items: T[], width: number, f: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) await f(items[next++]);
  }));
}

/**
 * weightscope's outcome for every case, from child processes. `isolate`: one process per case (for cases
 * that may corrupt memory, so that a crash is attributed to the case that caused it); otherwise one process
 * for all, restarted after the case that killed it.
 */
export async function runJs(cases: Case[], isolate: (c: Case) => boolean): Promise<{ results: Map<string, JsResult>; crashes: Map<string, string> }> {
  const results = new Map<string, JsResult>();
  const crashes = new Map<string, string>();
  const batch = async () => {
    let rest = cases.filter((c) => !isolate(c));
    while (rest.length > 0) {
      const r = await runChild(rest);
      for (const x of r.results) results.set(x.id, x);
      if (!r.crashed) break;
      crashes.set(r.crashed.id, r.crashed.how);
      const at = rest.findIndex((c) => c.id === r.crashed!.id);
      rest = rest.slice(at + 1);
    }
  };
  const isolated = pool(cases.filter(isolate), 2, async (c) => {
    const r = await runChild([c]);
    for (const x of r.results) results.set(x.id, x);
    if (r.crashed) crashes.set(c.id, r.crashed.how);
  });
  await Promise.all([batch(), isolated]);
  return { results, crashes };
}

/** Compares one form's outcome with the reference: null when it holds, else why not. */
export type Check = (js: unknown, ref: unknown, c: Case) => string | null;

export interface Verdict {
  checked: number;
  values: number;
  errors: number;
  failures: string[];
  /** Known bugs of other parts still present (see known.ts): [case, known bug]. */
  xfail: string[];
  /** Per family: [calls that returned a value, calls that threw a typed error]. */
  byFam: Record<string, [number, number]>;
}

export interface KnownBug {
  /** What it is and where it is tracked. */
  what: string;
  matches: (c: Case) => boolean;
  /** What the failure looks like (default: any failure of a matching case). */
  symptom?: RegExp;
  /** Shows only sometimes (heap corruption): not reported stale when no case shows it. */
  intermittent?: boolean;
}

/** Runs every case through numpy and weightscope and judges each form of each. */
export async function judge(cases: Case[], checks: Record<string, Check>, opts: { isolate?: (c: Case) => boolean; known?: KnownBug[] } = {}): Promise<Verdict> {
  const [refs, { results, crashes }] = await Promise.all([oracle(cases), runJs(cases, opts.isolate ?? (() => false))]);
  const v: Verdict = { checked: 0, values: 0, errors: 0, failures: [], xfail: [], byFam: {} };
  for (const c of cases) {
    const ref = refs.get(c.id);
    const desc = `${c.id} ${JSON.stringify(c.args, (k, x) => (k === 'b64' ? `${String(x).length} chars` : x)).slice(0, 300)}`;
    const problems: string[] = [];
    if (!ref) problems.push('no reference from numpy');
    else if (crashes.has(c.id)) problems.push(`crashed the process (${crashes.get(c.id)})`);
    else {
      const r = results.get(c.id);
      if (!r) problems.push('no result from the child');
      else
        for (const [form, out] of Object.entries(r.forms)) {
          v.checked++;
          const p = verdictOf(out, ref, checks[c.fam], c);
          const tally = (v.byFam[c.fam] ??= [0, 0]);
          if (p) problems.push(`${form}: ${p}`);
          else if (out.ok) (v.values++, tally[0]++);
          else (v.errors++, tally[1]++);
        }
    }
    const known = problems.length > 0 && opts.known?.find((k) => k.matches(c) && problems.every((p) => !k.symptom || k.symptom.test(p)));
    if (known) {
      v.xfail.push(`${known.what} :: ${c.id}`);
      continue; // a known bug of another part: reported, not failed (known.ts says when to drop it)
    }
    for (const p of problems) v.failures.push(`${desc}\n    ${p}`);
  }
  return v;
}

function verdictOf(out: Outcome, ref: Reference, check: Check | undefined, c: Case): string | null {
  if ('error' in ref) {
    if (out.ok) {
      if (ref.either) return null; // at the boundary of what is defined: a value is acceptable too
      return `numpy: undefined (${ref.error}${ref.why ? `: ${ref.why}` : ''}), weightscope returned ${JSON.stringify(out.value).slice(0, 200)}`;
    }
    if (out.name !== 'WeightscopeError') return `threw ${out.name} (${out.message}), not a WeightscopeError`;
    if (ref.error !== 'any' && out.code !== ref.error && !ref.either) return `code ${out.code} (${out.message}), expected ${ref.error}`;
    return null;
  }
  if (!out.ok) {
    if (ref.either && out.name === 'WeightscopeError') return null;
    return `threw ${out.name} ${out.code ?? ''} (${out.message}); numpy has the value ${JSON.stringify(ref.value).slice(0, 200)}`;
  }
  if (!check) return `no check for family ${c.fam}`;
  return check(out.value, ref.value, c);
}
