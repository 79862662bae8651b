// Seeded synthetic data: a Gaussian mixture with C classes in d dimensions. Class means are random
// directions of length `sep`; the task only needs the C-dimensional span of the means, which is what
// weight decay should make the first layer discover (its rank falls towards ~C).

/** mulberry32: a small seeded uniform generator on [0, 1). */
export function uniform(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normals by Box–Muller. */
export function normal(seed) {
  const u = uniform(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

export function gaussianMixture({ n, d, classes, sep, seed }) {
  const g = normal(seed);
  const means = [];
  for (let c = 0; c < classes; c++) {
    const m = Array.from({ length: d }, g);
    const norm = Math.hypot(...m);
    means.push(m.map((v) => (sep * v) / norm));
  }
  const sample = (count, s) => {
    const gs = normal(s);
    const X = new Float32Array(count * d);
    const y = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const c = i % classes;
      y[i] = c;
      for (let j = 0; j < d; j++) X[i * d + j] = means[c][j] + gs();
    }
    return { X, y, n: count };
  };
  return { train: sample(n, seed + 1), test: sample(4 * n, seed + 2), d, classes };
}
