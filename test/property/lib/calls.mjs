// How each property family calls weightscope: family -> { form: (w, args) => result }. `w` is the
// package (dist build); matrices arrive as { dtype, shape, b64 } and are decoded to exact typed arrays.

export function decode(m) {
  if (m === null || typeof m !== 'object' || !('b64' in m)) return m;
  const buf = Buffer.from(m.b64, 'base64');
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const data = m.dtype === 'float32' ? new Float32Array(ab) : new Float64Array(ab);
  return { data, shape: m.shape.length === 2 ? [m.shape[0], m.shape[1]] : [...m.shape] };
}

const D = decode;
const both = (name, f) => ({ sync: (w, a) => f(w[`${name}Sync`], a), async: (w, a) => f(w[name], a) });
const svdOut = (r) => ({ S: r.S, U: r.U, Vt: r.Vt });

const pick = (o, keys) => Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
const angles = (pa, so) => async (w, a) => {
  const o = pick(a, ['k', 'side']);
  const r = await w[pa](D(a.A), D(a.B), o);
  return { angles: r.angles, cosines: r.cosines, overlap: await w[so](D(a.A), D(a.B), o) };
};
const collapseOpts = (a) => ({ ...pick(a, ['numClasses', 'b']), ...(a.W ? { W: D(a.W) } : {}) });

export const calls = {
  // esd, fit, heavy-tail
  esd: both('esd', async (f, a) => {
    const r = await f(D(a.W), pick(a, ['layout', 'normalize', 'method', 'threshold', 'minEvals', 'maxN', 'conv2dNorm']));
    return { evals: r.evals, N: r.N, M: r.M, below: r.numBelowThreshold };
  }),
  slices: { sync: (w, a) => w.toSlices(D(a.W), pick(a, ['layout']), 'toSlices').slices.map((m) => m.data) },
  powerlaw: {
    sync: (w, a) => w.fitPowerLaw(a.evals, pick(a, ['threshold', 'xmin', 'xminPos'])),
    naive: (w, a) => w.fitPowerLawNaive(a.evals, pick(a, ['threshold', 'xmin', 'xminPos'])),
  },
  norms: {
    sync: (w, a) => {
      const ev = Float64Array.from(a.evals).sort();
      return { ...w.normMetrics(ev, a.alpha ?? NaN, a.N, a.eps), rankFn: w.matrixRank(ev.map((v) => Math.sqrt(v)), a.N, a.eps), detX: w.detX(ev) };
    },
  },
  mplaw: {
    sync: (w, a) => {
      const { a: lo, b: hi } = w.mpEdges(a.Q, a.sigma);
      const F = w.mpCdf(a.Q, a.sigma);
      return { a: lo, b: hi, pdf: a.xs.map((x) => w.mpPdf(x, a.Q, a.sigma, lo, hi)), cdf: a.xs.map((x) => F(x)), tw: w.tracyWidom(a.Q, a.lambdaPlus, a.M) };
    },
  },
  jsd: { sync: (w, a) => w.jensenShannonDistance(Float64Array.from(a.p), Float64Array.from(a.q)) },
  mpks: { sync: (w, a) => w.mpKsTest(Float64Array.from(a.x).sort(), a.Q, a.sigma) },
  // a LayerReport serialises to WeightWatcher's snake_case columns (toJSON): take the fields by name
  analyze: both('analyzeMatrix', async (f, a) =>
    pick(await f(D(a.W), { minEvals: 1, ...pick(a, ['layout']) }), ['numEvals', 'lambdaMax', 'norm', 'matrixRank', 'status', 'alpha', 'D', 'entropy', 'stableRank'])),
  shuffled: { sync: (w, a) => Array.from(w.shuffled(Float64Array.from(a.values), w.xoshiro128(a.seed))).sort((x, y) => x - y) },
  // metrics
  rank: both('rankReport', (f, a) => f(D(a.A))),
  rankSv: { sync: (w, a) => w.rankFromSvdvals(a.f64 ? Float64Array.from(a.s) : a.s, pick(a, ['shape', 'dtype'])) },
  rankOne: {
    sync: (w, a) => (a.metric === 'energyRank' ? w.energyRankSync(D(a.A), a.tau) : w[`${a.metric}Sync`](D(a.A))),
    async: (w, a) => (a.metric === 'energyRank' ? w.energyRank(D(a.A), a.tau) : w[a.metric](D(a.A))),
  },
  alignment: {
    sync: (w, a) =>
      a.Ws
        ? w.gradientAlignment(a.Ws.map(D), a.Gs.map(D), pick(a, ['weightDecay']))
        : w.gradientAlignment(a.flat ? D(a.W).data : D(a.W), a.flat ? D(a.G).data : D(a.G), pick(a, ['weightDecay'])),
  },
  angles: { sync: angles('principalAnglesSync', 'subspaceOverlapSync'), async: angles('principalAngles', 'subspaceOverlap') },
  layerAlignment: both('layerAlignment', (f, a) => f(D(a.Wl), D(a.Wn), pick(a, ['k', 'layout']))),
  balance: both('balancedness', (f, a) => f(a.layers.map(D), pick(a, ['layout']))),
  orthogonality: both('inputOrthogonality', (f, a) => f(D(a.XA), D(a.XB))),
  merge: { sync: (w, a) => w.mergeBySum(a.A.map(D), a.B.map(D)).map((m) => m.data) },
  collapse: both('neuralCollapse', (f, a) => f(D(a.H), a.labels, collapseOpts(a))),
  richness: both('richness', (f, a) => f(D(a.features), D(a.outputs), pick(a, ['labels', 'numClasses']))),

  // linalg
  svdvals: both('svdvals', (f, a) => f(D(a.A), a.method ? { method: a.method, backend: 'cpu' } : { backend: 'cpu' })),
  svd: both('svd', async (f, a) => svdOut(await f(D(a.A), { ...(a.k ? { k: a.k } : {}), ...(a.full ? { full: true } : {}), backend: 'cpu' }))),
  eigvalsh: both('eigvalsh', (f, a) => f(D(a.A), { backend: 'cpu' })),
  gram: both('gram', (f, a) => f(D(a.A), { backend: 'cpu' })),
  gramEigvalsh: both('gramEigvalsh', (f, a) => f(D(a.A), { backend: 'cpu' })),
  svdvalsBatch: both('svdvalsBatch', (f, a) => f(a.As.map(D), { backend: 'cpu' })),
  matrix: { sync: (w, a) => w.matrix(a.rows, a.dtype) },
  dtypeOf: { sync: (w, a) => w.dtypeOf(D(a.A).data) },
  threads: {
    sync: (w, a) => {
      const before = w.getThreads();
      try {
        w.setThreads(a.n);
        return w.getThreads();
      } finally {
        w.setThreads(before);
      }
    },
  },
  largeJobFlops: {
    sync: (w, a) => {
      const before = w.backends().cpu.largeJobFlops;
      try {
        w.setLargeJobFlops(a.v);
        return w.backends().cpu.largeJobFlops;
      } finally {
        w.setLargeJobFlops(before);
      }
    },
  },
  cudaCrossover: {
    sync: (w, a) => {
      const before = w.getCudaCrossover();
      try {
        w.setCudaCrossover(a.v);
        return w.getCudaCrossover();
      } finally {
        w.setCudaCrossover(before);
      }
    },
  },
  info: {
    sync: (w) => {
      const b = w.backends();
      const s = w.nativeStats();
      return {
        cpuLibrary: b.cpu.library,
        threads: b.cpu.threads,
        cudaAvailable: b.cuda.available,
        dirs: Array.isArray(w.cudaSearchDirs()),
        memory: w.cudaMemory() === null || typeof w.cudaMemory().free === 'number',
        jobsInFlight: s.jobsInFlight,
        liveBytes: s.liveBytes,
      };
    },
  },
};

// model and report layers
const bits32 = (a) => Array.from(new Uint32Array(Float32Array.from(a).buffer));
const bitsOf = (a) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4));
const bytes = (b64) => new Uint8Array(Buffer.from(b64, 'base64'));
Object.assign(calls, {
  halfToFloat: { sync: (w) => bits32(Array.from({ length: 65536 }, (_, h) => w.halfToFloat(h))) },
  decodeFloats: { sync: (w, a) => bitsOf(w.decodeFloats(bytes(a.b64), a.dtype, a.count)) },
  dequantize: { sync: (w, a) => bitsOf(w.dequantize(bytes(a.b64), a.qdtype, a.count, a.scale, a.min)) },
  safetensors: {
    sync: async (w, a) => {
      const { writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
      const { join } = await import('node:path');
      const { tmpdir } = await import('node:os');
      const dir = mkdtempSync(join(tmpdir(), 'ws-prop-'));
      try {
        const file = join(dir, 'model.safetensors');
        writeFileSync(file, bytes(a.file));
        const listing = await w.listTensors(file, { minEvals: 1 });
        const read = [];
        for await (const t of w.readWeights(file, { minEvals: 1 })) read.push({ name: t.name, shape: t.shape, data: Array.from(t.data) });
        return { names: listing.tensors.map((t) => t.name).sort(), read: read.sort((x, y) => (x.name < y.name ? -1 : 1)) };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
  toJson: { sync: (w, a) => JSON.parse(w.report.toJson(a.value)) },
  // the log-λ bins of the report's ESD plots: their count (Freedman–Diaconis with floor and caps) and counts
  esdHistogram: {
    sync: (w, a) => {
      const logs = Float64Array.from(a.values, Math.log10).sort();
      const lo = logs[0];
      const hi = logs[logs.length - 1];
      const count = w.bins.chooseBinCount(logs, lo, hi);
      return { count, counts: w.bins.histogram(logs, w.bins.equalEdges(lo, hi, count)) };
    },
  },
  warningFor: { sync: (w, a) => w.warningFor(a.alpha) },
});

// Any public function with arbitrary arguments: a value or a WeightscopeError, never another exception.
const revive = (v) => (v && typeof v === 'object' && !Array.isArray(v) && 'b64' in v ? decode(v) : Array.isArray(v) ? v.map(revive) : v);
Object.assign(calls, {
  junk: {
    call: async (w, a) => {
      const f = a.fn.startsWith('report.') ? w.report[a.fn.slice(7)] : w[a.fn];
      // a class (Tracker) is constructed, as its users do: calling it without new is JavaScript's TypeError
      const isClass = /^class[\s{]/.test(Function.prototype.toString.call(f));
      const r = isClass ? new f(...a.argv.map(revive)) : await f(...a.argv.map(revive));
      // async iterables (openModel, readWeights): drain them too
      if (r && typeof r[Symbol.asyncIterator] === 'function') for await (const _ of r);
      return { type: typeof r };
    },
  },
});
