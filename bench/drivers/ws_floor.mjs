// The LAPACK floor of `npm run bench:model`'s fast configuration, in its own process: for every layer the
// analysis runs (2-D, inside WeightWatcher's limits), the layer is first read and widened to float64 (not
// timed), then one ?syrk + ?syevd (gramEigvalshSync: the Gram matrix and its eigenvalues, nothing else) is
// timed. Σ of those times is what no analysis through the Gram route running one layer at a time can go
// below on this machine with these threads. The side-by-side floor is the same work scheduled as analyze()
// schedules it by default: the layers in groups of one per scheduler slot, each group's ?syrk + ?syevd
// calls at once, one BLAS thread each (the internal `shared` call flag), Σ of the groups' wall times.
// Config: { model, threads, maxN } (maxN null = 50000, 'Infinity' = no limit).
import { openSync, readSync, closeSync } from 'node:fs';
import { driverMain } from '../lib/driver_io.mjs';

const ws = await import('../../dist/index.js');
const { readTensor, resolveContext, gramEigvalshIn, cpuSlots } = await import('../../dist/linalg/internal.js');

/** The safetensors header: name -> { dtype, shape, data_offsets }, and where the data starts. */
function header(file) {
  const fd = openSync(file, 'r');
  try {
    const len = Buffer.alloc(8);
    readSync(fd, len, 0, 8, 0);
    const n = Number(len.readBigUInt64LE(0));
    const text = Buffer.alloc(n);
    readSync(fd, text, 0, n, 8);
    return { entries: JSON.parse(text.toString('utf8')), base: 8 + n };
  } finally {
    closeSync(fd);
  }
}

driverMain(async (cfg) => {
  ws.setThreads(cfg.threads);
  const maxN = cfg.maxN === null || cfg.maxN === undefined ? 50000 : cfg.maxN === 'Infinity' ? Infinity : cfg.maxN;
  const { entries, base } = header(cfg.model);
  const layers = [];
  const wanted = [];
  for (const [name, e] of Object.entries(entries)) {
    if (name === '__metadata__' || e.shape.length !== 2) continue;
    const [r, c] = e.shape;
    const [N, M] = [Math.max(r, c), Math.min(r, c)];
    if (M < 10 || M > 15000 || N > maxN) continue; // WeightWatcher's minEvals, maxEvals, maxN
    wanted.push({ name, e, N, M });
  }
  const slots = cpuSlots();
  const shared = { ...resolveContext({}, 'floor'), shared: true };
  let total = 0;
  let sharedTotal = 0;
  let readS = 0;
  for (let g = 0; g < wanted.length; g += slots) {
    const group = [];
    for (const { name, e, N, M } of wanted.slice(g, g + slots)) {
      const t0 = performance.now();
      const t = await readTensor(cfg.model, { offset: base + e.data_offsets[0], byteLength: e.data_offsets[1] - e.data_offsets[0], dtype: e.dtype, shape: e.shape, as: 'float64' });
      readS += (performance.now() - t0) / 1000;
      const m = { data: t.data, shape: t.shape };
      ws.gramEigvalshSync({ data: t.data.subarray(0, 64 * 64), shape: [64, 64] }); // warm the call path
      const t1 = performance.now();
      const ev = ws.gramEigvalshSync(m);
      const s = (performance.now() - t1) / 1000;
      total += s;
      layers.push({ name, shape: e.shape, N, M, n2m: M * M * N, seconds: s, lambda_max: ev[ev.length - 1] });
      group.push(m);
    }
    const t2 = performance.now();
    await Promise.all(group.map((m) => gramEigvalshIn(shared, m)));
    sharedTotal += (performance.now() - t2) / 1000;
  }
  return { side: 'floor', threads: ws.getThreads(), slots, floor_s: total, floor_shared_s: sharedTotal, read_f64_s: readS, layers };
});
