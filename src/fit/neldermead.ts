// One-dimensional Nelder–Mead exactly as scipy.optimize.fmin runs it (reflection 1, expansion 2,
// contraction 0.5, shrink 0.5; initial simplex x0 and 1.05·x0; xtol = ftol = 1e-4; at most 200
// iterations and 200 function calls). WeightWatcher polishes its brute-force MP σ with it, and the
// number of spikes depends on where it stops, so we follow it step by step (formulas.md §4).

export interface FminResult {
  x: number;
  fx: number;
  calls: number;
  iterations: number;
}

export function fmin1d(f: (x: number) => number, x0: number, xtol = 1e-4, ftol = 1e-4, maxiter = 200, maxfun = 200): FminResult {
  let calls = 0;
  let out = false;
  const func = (x: number): number => {
    if (calls >= maxfun) {
      out = true;
      return Infinity;
    }
    calls++;
    return f(x);
  };
  let s0 = x0;
  let s1 = x0 !== 0 ? 1.05 * x0 : 0.00025;
  let f0 = func(s0);
  let f1 = func(s1);
  if (f1 < f0) [s0, s1, f0, f1] = [s1, s0, f1, f0]; // stable argsort of two values
  let iterations = 1;
  while (calls < maxfun && iterations < maxiter) {
    if (Math.abs(s1 - s0) <= xtol && Math.abs(f0 - f1) <= ftol) break;
    const xbar = s0;
    const xr = 2 * xbar - s1;
    const fxr = func(xr);
    if (out) break;
    let shrink = false;
    if (fxr < f0) {
      const xe = 3 * xbar - 2 * s1;
      const fxe = func(xe);
      if (out) break;
      if (fxe < fxr) [s1, f1] = [xe, fxe];
      else [s1, f1] = [xr, fxr];
    } else if (fxr < f1) {
      const xc = 1.5 * xbar - 0.5 * s1;
      const fxc = func(xc);
      if (out) break;
      if (fxc <= fxr) [s1, f1] = [xc, fxc];
      else shrink = true;
    } else {
      const xcc = 0.5 * xbar + 0.5 * s1;
      const fxcc = func(xcc);
      if (out) break;
      if (fxcc < f1) [s1, f1] = [xcc, fxcc];
      else shrink = true;
    }
    if (shrink) {
      s1 = s0 + 0.5 * (s1 - s0);
      f1 = func(s1);
      if (out) break;
    }
    iterations++;
    if (f1 < f0) [s0, s1, f0, f1] = [s1, s0, f1, f0];
  }
  return f1 < f0 ? { x: s1, fx: f1, calls, iterations } : { x: s0, fx: f0, calls, iterations };
}
