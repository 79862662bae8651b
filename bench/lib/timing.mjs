// Warm-up then timed repeats of one call, for the JS drivers (each driver runs in its own process).
import { repsAfter, summarize, SMALL_WARMUP } from './stats.mjs';

/**
 * run(): the timed call (may be async). warmRun(): the warm-up call; for warmup 'small' it runs on
 * a SMALL_WARMUP-sized stand-in so that library loading, thread start-up and JIT are out of the timing.
 */
export async function timeTrial({ run, warmRun, policy, warmup }) {
  const w0 = performance.now();
  await warmRun();
  const warmMs = performance.now() - w0;
  const reps = repsAfter(warmMs, policy, warmup);
  const times = [];
  let last;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    last = await run();
    times.push(performance.now() - t0);
  }
  return { ...summarize(times), warmup, warmup_ms: warmMs, warmup_size: warmup === 'small' ? SMALL_WARMUP : null, last };
}

/** Largest value and sum of a list of singular values: a cheap fingerprint the runner cross-checks. */
export function fingerprint(s) {
  let max = 0;
  let sum = 0;
  for (const v of s) {
    if (v > max) max = v;
    sum += v;
  }
  return { sigma_max: max, sigma_sum: sum, count: s.length };
}
