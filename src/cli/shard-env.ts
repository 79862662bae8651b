// --shard i/n (0-based: 0 ≤ i < n) or --shard auto, which takes the part from the cluster scheduler:
// - Slurm job arrays: index = (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN) / SLURM_ARRAY_TASK_STEP, count =
//   SLURM_ARRAY_TASK_COUNT (so --array=1-8 and --array=0-7 are both parts 0..7 of 8);
// - Kubernetes Indexed Jobs: index = JOB_COMPLETION_INDEX (0-based), count = --shard-count or
//   WEIGHTSCOPE_SHARD_COUNT (Kubernetes does not export the Job's `completions`: set it in the manifest).
// --shard-count overrides the count in both cases. Every bad value is a usage error (exit 2).
import type { ShardSpec } from '../model/shard.js';
import { UsageError } from './errors.js';

function integer(name: string, v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!/^\s*-?\d+\s*$/.test(v) || !Number.isSafeInteger(n)) throw new UsageError(`${name} must be an integer, got '${v}'`);
  return n;
}

function checked(index: number, count: number, from: string): ShardSpec {
  if (count < 1) throw new UsageError(`${from}: the shard count must be at least 1, got ${count}`);
  if (index < 0 || index >= count) throw new UsageError(`${from}: shard index ${index} is outside 0..${count - 1} (0-based)`);
  return { index, count };
}

function fromSlurm(env: NodeJS.ProcessEnv, count?: number): ShardSpec {
  const id = integer('SLURM_ARRAY_TASK_ID', env.SLURM_ARRAY_TASK_ID) as number;
  const min = integer('SLURM_ARRAY_TASK_MIN', env.SLURM_ARRAY_TASK_MIN) ?? 0;
  const step = integer('SLURM_ARRAY_TASK_STEP', env.SLURM_ARRAY_TASK_STEP) ?? 1;
  const n = count ?? integer('SLURM_ARRAY_TASK_COUNT', env.SLURM_ARRAY_TASK_COUNT);
  if (n === undefined) throw new UsageError('--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not (pass --shard-count N)');
  if (step < 1 || (id - min) % step !== 0) throw new UsageError(`--shard auto: SLURM_ARRAY_TASK_ID ${id} is not MIN ${min} + k·STEP ${step}`);
  return checked((id - min) / step, n, '--shard auto (Slurm array)');
}

function fromKubernetes(env: NodeJS.ProcessEnv, count?: number): ShardSpec {
  const index = integer('JOB_COMPLETION_INDEX', env.JOB_COMPLETION_INDEX) as number;
  const n = count ?? integer('WEIGHTSCOPE_SHARD_COUNT', env.WEIGHTSCOPE_SHARD_COUNT);
  if (n === undefined)
    throw new UsageError('--shard auto: JOB_COMPLETION_INDEX is set but not the count: pass --shard-count N or set WEIGHTSCOPE_SHARD_COUNT (the Job\'s completions)');
  return checked(index, n, '--shard auto (Kubernetes Indexed Job)');
}

/** The part to analyse, or undefined without --shard. */
export function resolveShard(flag: string | undefined, count: number | undefined, env: NodeJS.ProcessEnv = process.env): ShardSpec | undefined {
  if (flag === undefined) {
    if (count !== undefined) throw new UsageError('--shard-count needs --shard auto');
    return undefined;
  }
  if (flag === 'auto') {
    if (env.SLURM_ARRAY_TASK_ID !== undefined && env.SLURM_ARRAY_TASK_ID !== '') return fromSlurm(env, count);
    if (env.JOB_COMPLETION_INDEX !== undefined && env.JOB_COMPLETION_INDEX !== '') return fromKubernetes(env, count);
    throw new UsageError('--shard auto: no scheduler index in the environment (SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX)');
  }
  if (count !== undefined) throw new UsageError('--shard-count goes with --shard auto (--shard i/n gives the count)');
  const m = /^(\d+)\/(\d+)$/.exec(flag.trim());
  if (!m) throw new UsageError(`--shard must be i/n (0-based, 0 <= i < n) or 'auto', got '${flag}'`);
  const [i, n] = [Number(m[1]), Number(m[2])];
  if (!Number.isSafeInteger(i) || !Number.isSafeInteger(n)) throw new UsageError(`--shard ${flag}: numbers too large`);
  return checked(i, n, `--shard ${flag}`);
}

/** The part file's name under --out: part-0003-of-0007.jsonl. */
export function partFileName(s: ShardSpec): string {
  const w = Math.max(4, String(s.count).length);
  return `part-${String(s.index).padStart(w, '0')}-of-${String(s.count).padStart(w, '0')}.jsonl`;
}
