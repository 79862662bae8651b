// Order statistics and the repeat policy shared by every driver (the Python driver mirrors repsAfter).

export function median(xs) {
  return percentile(xs, 50);
}

/** Linear-interpolated percentile (p in [0, 100]) of a non-empty list. */
export function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  const pos = ((s.length - 1) * p) / 100;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export function summarize(timesMs) {
  return {
    median_ms: median(timesMs),
    min_ms: Math.min(...timesMs),
    max_ms: Math.max(...timesMs),
    reps: timesMs.length,
    times_ms: timesMs,
  };
}

/**
 * How many timed repeats follow a warm-up that took warmMs: enough to fill targetMs, within
 * [minReps, maxReps]. When the warm-up ran on a small stand-in matrix, the minimum is used.
 */
export function repsAfter(warmMs, policy, warmup) {
  if (warmup === 'small') return policy.minReps;
  const want = Math.ceil(policy.targetMs / Math.max(warmMs, 1e-3));
  return Math.min(policy.maxReps, Math.max(policy.minReps, want));
}

/** Big jobs (above 2048^3 "flops") warm up on a 256x256 stand-in: a full-size warm-up would cost 10+ s. */
export function warmupKind(rows, cols) {
  return rows * cols * Math.min(rows, cols) > 2048 ** 3 ? 'small' : 'full';
}

export const SMALL_WARMUP = 256;
