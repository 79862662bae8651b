// Special functions for the alternative tail fits: log Γ, the log of the upper incomplete gamma Γ(a, z) for
// any real a (the truncated power law has a = 1 − α < 0), the normal tail and erfc.

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7: ~1e-15 relative). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  x -= 1;
  let a = LANCZOS[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * ln Γ(a, z) = ln ∫_z^∞ t^(a−1) e^(−t) dt for z > 0 and any real a. With t = z·e^u it is
 * a·ln z + ln ∫_0^∞ exp(a·u − z·e^u) du: a smooth integrand that decays double-exponentially, integrated by
 * composite Simpson in log space (max subtracted) up to where z·e^u passes z + 745 (e^−745 underflows).
 */
export function logUpperGamma(a: number, z: number): number {
  if (!(z > 0) || !Number.isFinite(a)) return NaN;
  const U = Math.log((z + 745 + Math.abs(a) * 40) / z);
  // the integrand's width near u = 0 is ~1/z: enough steps across it for large z (even count for Simpson)
  const N = 2 * Math.min(1 << 15, Math.max(1024, Math.ceil(U * Math.max(z, 1) * 24)));
  const h = U / N;
  const g = (u: number) => a * u - z * Math.exp(u);
  // the integrand's maximum: at u* = ln(a/z) when a > z, else at u = 0
  const peak = a > z ? g(Math.log(a / z)) : g(0);
  let s = 0;
  for (let i = 0; i <= N; i++) {
    const w = i === 0 || i === N ? 1 : i % 2 === 1 ? 4 : 2;
    s += w * Math.exp(g(i * h) - peak);
  }
  return a * Math.log(z) + peak + Math.log((s * h) / 3);
}

/** erfc(x): the series of erf below 0.5, the continued fraction of the tail above (relative ~1e-15, no underflow of small p-values until e^−x² does). */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < 0.5) {
    // erf(x) = 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1))
    let term = x;
    let sum = x;
    for (let n = 1; n < 60; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  // Lentz's continued fraction: erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))
  const tiny = 1e-300;
  let f = x;
  let C = x;
  let D = 0;
  for (let n = 1; n < 500; n++) {
    const an = n / 2;
    D = x + an * D;
    D = Math.abs(D) < tiny ? tiny : D;
    C = x + an / C;
    C = Math.abs(C) < tiny ? tiny : C;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
}

/** P(Z > z) for a standard normal Z. */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** ln P(Z > z), accurate far in the tail (erfc underflows past z ≈ 38). */
export function logNormalSf(z: number): number {
  if (z < 30) return Math.log(normalSf(z));
  // asymptotic: φ(z)/z · (1 − 1/z² + 3/z⁴)
  return -0.5 * z * z - Math.log(z) - 0.5 * Math.log(2 * Math.PI) + Math.log(1 - 1 / (z * z) + 3 / z ** 4);
}
