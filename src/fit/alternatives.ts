// Maximum-likelihood fits of the alternatives to a power law on the same tail x ≥ xmin (Clauset, Shalizi &
// Newman 2009; the distributions and their normalisations are those of the python `powerlaw` package):
//   power law              p(x) = (α−1)/xmin · (x/xmin)^−α
//   truncated power law    p(x) = λ^(1−α) / Γ(1−α, λ·xmin) · x^−α e^(−λx)     (α real, λ > 0)
//   lognormal              p(x) = φ((ln x − μ)/σ) / (xσ) / P(Z > (ln xmin − μ)/σ)
//   exponential            p(x) = λ e^(−λ(x − xmin))                          (λ = 1/(mean − xmin), closed form)
// The two-parameter fits run a 2-D Nelder–Mead on unconstrained parameters from the moment estimates.
import { logGamma, logNormalSf, logUpperGamma } from './special.js';

export interface TailFit {
  /** Per-point log-likelihoods, for the likelihood-ratio tests. */
  logLiks: Float64Array;
  logLik: number;
}

const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);

/** 2-D Nelder–Mead (standard coefficients), minimising f from x0 with initial steps `step`. */
export function nelderMead2(f: (p: [number, number]) => number, x0: [number, number], step: [number, number], maxIter = 2000): [number, number] {
  type P = [number, number];
  let s: { p: P; v: number }[] = [x0, [x0[0] + step[0], x0[1]], [x0[0], x0[1] + step[1]]].map((p) => ({ p: p as P, v: f(p as P) }));
  const at = (a: P, b: P, t: number): P => [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
  for (let it = 0; it < maxIter; it++) {
    s.sort((a, b) => a.v - b.v);
    const spread = Math.abs(s[2].v - s[0].v);
    const size = Math.max(Math.abs(s[2].p[0] - s[0].p[0]), Math.abs(s[2].p[1] - s[0].p[1]), Math.abs(s[1].p[0] - s[0].p[0]), Math.abs(s[1].p[1] - s[0].p[1]));
    if (spread <= 1e-12 * (1 + Math.abs(s[0].v)) && size < 1e-10) break;
    const c: P = [(s[0].p[0] + s[1].p[0]) / 2, (s[0].p[1] + s[1].p[1]) / 2];
    const r = at(c, s[2].p, -1);
    const fr = f(r);
    if (fr < s[0].v) {
      const e = at(c, s[2].p, -2);
      const fe = f(e);
      s[2] = fe < fr ? { p: e, v: fe } : { p: r, v: fr };
    } else if (fr < s[1].v) s[2] = { p: r, v: fr };
    else {
      const k = fr < s[2].v ? at(c, r, 0.5) : at(c, s[2].p, 0.5);
      const fk = f(k);
      if (fk < Math.min(fr, s[2].v)) s[2] = { p: k, v: fk };
      else s = [s[0], ...s.slice(1).map((q) => { const p = at(s[0].p, q.p, 0.5); return { p, v: f(p) }; })];
    }
  }
  s.sort((a, b) => a.v - b.v);
  return s[0].p;
}

export function powerLawLogLiks(x: Float64Array, xmin: number, alpha: number): TailFit {
  const c = Math.log((alpha - 1) / xmin);
  const logLiks = Float64Array.from(x, (v) => c - alpha * Math.log(v / xmin));
  return { logLiks, logLik: sum(logLiks) };
}

export function fitExponential(x: Float64Array, xmin: number): TailFit & { lambda: number } {
  const lambda = 1 / (sum(x) / x.length - xmin);
  const logLiks = Float64Array.from(x, (v) => Math.log(lambda) - lambda * (v - xmin));
  return { lambda, logLiks, logLik: sum(logLiks) };
}

function lognormalLogLiks(x: Float64Array, xmin: number, mu: number, sigma: number): Float64Array {
  const tail = logNormalSf((Math.log(xmin) - mu) / sigma);
  return Float64Array.from(x, (v) => {
    const z = (Math.log(v) - mu) / sigma;
    return -0.5 * z * z - Math.log(v * sigma) - 0.5 * Math.log(2 * Math.PI) - tail;
  });
}

export function fitLognormal(x: Float64Array, xmin: number): TailFit & { mu: number; sigma: number } {
  const lx = Float64Array.from(x, Math.log);
  const m = sum(lx) / lx.length;
  const sd = Math.sqrt(lx.reduce((s, v) => s + (v - m) ** 2, 0) / lx.length) || 1;
  const nll = ([mu, ls]: [number, number]) => {
    const v = -sum(lognormalLogLiks(x, xmin, mu, Math.exp(ls)));
    return Number.isFinite(v) ? v : Infinity;
  };
  const [mu, ls] = nelderMead2(nll, [m, Math.log(sd)], [Math.max(sd, 0.1), 0.3]);
  const logLiks = lognormalLogLiks(x, xmin, mu, Math.exp(ls));
  return { mu, sigma: Math.exp(ls), logLiks, logLik: sum(logLiks) };
}

function tplLogLiks(x: Float64Array, xmin: number, alpha: number, lambda: number): Float64Array {
  const c = (1 - alpha) * Math.log(lambda) - logUpperGamma(1 - alpha, lambda * xmin);
  return Float64Array.from(x, (v) => c - alpha * Math.log(v) - lambda * v);
}

/** Truncated power law from the power-law α and λ = 1/mean(x) (log λ is the free parameter). */
export function fitTruncatedPowerLaw(x: Float64Array, xmin: number, alpha0: number): TailFit & { alpha: number; lambda: number } {
  const nll = ([a, ll]: [number, number]) => {
    const v = -sum(tplLogLiks(x, xmin, a, Math.exp(ll)));
    return Number.isFinite(v) ? v : Infinity;
  };
  const mean = sum(x) / x.length;
  // start from a weak cutoff (λ·mean = 0.01) and a stronger one, keep the better
  let best: [number, number] | undefined;
  for (const l0 of [0.01 / mean, 1 / mean]) {
    const p = nelderMead2(nll, [Number.isFinite(alpha0) ? alpha0 : 2, Math.log(l0)], [0.3, 1]);
    if (!best || nll(p) < nll(best)) best = p;
  }
  const [alpha, ll] = best!;
  const logLiks = tplLogLiks(x, xmin, alpha, Math.exp(ll));
  return { alpha, lambda: Math.exp(ll), logLiks, logLik: sum(logLiks) };
}

export { logGamma };
