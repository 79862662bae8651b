// Seeded standard-normal matrices, so every JS driver given the same seed times the same matrix
// (and the runner can check that sync, async and the pure-JS peers agree on its singular values).

/** xoshiro128** — small, fast, good enough for test matrices (not for cryptography). */
function xoshiro128ss(seed) {
  // splitmix32 spreads the seed over the four state words (never all zero).
  let z = seed >>> 0;
  const next32 = () => {
    z = (z + 0x9e3779b9) >>> 0;
    let t = z;
    t = Math.imul(t ^ (t >>> 16), 0x21f0aaad);
    t = Math.imul(t ^ (t >>> 15), 0x735a2d97);
    return (t ^ (t >>> 15)) >>> 0;
  };
  let a = next32(), b = next32(), c = next32(), d = next32();
  return () => {
    const r = Math.imul(((Math.imul(b, 5) << 7) | (Math.imul(b, 5) >>> 25)), 9) >>> 0;
    const t = b << 9;
    c ^= a; d ^= b; b ^= c; a ^= d; c ^= t;
    d = (d << 11) | (d >>> 21);
    return r;
  };
}

/** Fills `out` with N(0, 1) samples (Box–Muller on 32-bit uniforms in (0, 1)). */
export function fillGaussian(out, seed) {
  const next = xoshiro128ss(seed);
  const n = out.length;
  for (let i = 0; i < n; i += 2) {
    const u1 = (next() + 0.5) / 4294967296;
    const u2 = (next() + 0.5) / 4294967296;
    const r = Math.sqrt(-2 * Math.log(u1));
    out[i] = r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  return out;
}

/** A rows x cols row-major Gaussian matrix in weightscope's { data, shape } form. */
export function gaussianMatrix(rows, cols, dtype, seed) {
  const Ctor = dtype === 'f32' ? Float32Array : Float64Array;
  return { data: fillGaussian(new Ctor(rows * cols), seed), shape: [rows, cols] };
}
