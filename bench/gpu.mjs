// `npm run bench:gpu`: cuSOLVER against the CPU core (OpenBLAS) in one run, on the machine's GPU.
//   - values-only SVD at 1024..8192, f32 and f64: GPU gesvdj, GPU Xgesvdp, GPU Gram route (syrk +
//     Xsyevd), CPU gesdd, CPU Gram route; ratios against CPU gesdd. Goal (issue #4): >= 10x at 4096² f32.
//   - batched: 100x100 x 1000 and 2000x2000 x 10, GPU against the CPU batch.
//   - the crossover: the smallest square size where the GPU (routine by size) beats the CPU, which is
//     what setCudaCrossover / WEIGHTSCOPE_CUDA_CROSSOVER should be set to on this machine.
// Every GPU result is checked against the CPU's before it is timed. Writes bench/gpu-results.json and
// the "GPU" block of bench/README.md (not when run on the CUDA stand-in of the tests).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import * as ws from '../dist/index.js';
import { fillGaussian } from './lib/gaussian.mjs';
import { timeTrial } from './lib/timing.mjs';
import { fmtMs, fmtRatio, renderMarkdown, renderText } from './lib/table.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const cpuMaxArg = args.indexOf('--cpu-max');
const cpuMax = cpuMaxArg >= 0 ? Number(args[cpuMaxArg + 1]) : 8192;
if (args.includes('--help')) {
  console.log('usage: npm run bench:gpu -- [--quick] [--cpu-max N]  (CPU timings above N are skipped)');
  process.exit(0);
}

const cuda = ws.backends().cuda;
if (!cuda.available) {
  console.log(`bench:gpu: no usable GPU, nothing measured: ${cuda.reason}`);
  process.exit(0);
}
const standIn = process.env.WEIGHTSCOPE_CUDA_MOCK === '1';
const device = `${cuda.devices[0].name} (${(cuda.devices[0].memoryTotal / 2 ** 30).toFixed(0)} GiB, cc ${cuda.devices[0].computeCapability})`;
const cpu = ws.backends().cpu;
console.log(`GPU: ${device}; CUDA runtime ${cuda.runtimeVersion}, cuSOLVER ${cuda.cusolverVersion}`);
console.log(`CPU: ${cpu.config} (${cpu.threads} threads)${standIn ? '\n(CUDA stand-in of the tests: timings mean nothing)' : ''}\n`);

function gaussian(rows, cols, dtype, seed) {
  const data = new (dtype === 'f32' ? Float32Array : Float64Array)(rows * cols);
  fillGaussian(data, seed);
  return { data, shape: [rows, cols] };
}

// One warm-up, then repeats filling about 5 s (1 to 7), as the other benches time their calls.
const POLICY = { targetMs: 5000, minReps: 1, maxReps: 7 };
async function time(fn) {
  return (await timeTrial({ run: fn, warmRun: fn, policy: POLICY, warmup: 'full' })).median_ms;
}

function relErr(got, want) {
  let e = 0;
  for (let i = 0; i < want.length; i++) e = Math.max(e, Math.abs(got[i] - want[i]));
  return e / want[0];
}

const results = { device, cpu: cpu.config, date: new Date().toISOString(), svdvals: [], batch: [], crossover: null };
const gpu = { backend: 'cuda' };

// --- values-only SVD ---
const sizes = quick ? [256, 512] : [1024, 2048, 4096, 8192];
for (const n of sizes)
  for (const dtype of ['f32', 'f64']) {
    const m = gaussian(n, n, dtype, n);
    const row = { n, dtype };
    const doCpu = n <= cpuMax;
    const want = doCpu ? await ws.svdvals(m, { backend: 'cpu' }) : null;
    for (const method of ['gesvdj', 'gesvdp', 'gram']) {
      const s = await ws.svdvals(m, { ...gpu, method });
      if (want) row[`err_${method}`] = method === 'gram' ? relErr(s.map((v) => v * v), want.map((v) => v * v)) : relErr(s, want);
      row[`gpu_${method}_ms`] = await time(() => ws.svdvals(m, { ...gpu, method }));
    }
    if (doCpu) {
      row.cpu_gesdd_ms = await time(() => ws.svdvals(m, { backend: 'cpu' }));
      row.cpu_gram_ms = await time(() => ws.svdvals(m, { backend: 'cpu', method: 'gram' }));
    }
    results.svdvals.push(row);
    console.log(JSON.stringify(row));
  }

// --- batches ---
const batches = quick ? [[100, 10, 20], [50, 64, 64]] : [[1000, 100, 100], [10, 2000, 2000]];
for (const [count, rows, cols] of batches)
  for (const dtype of ['f32', 'f64']) {
    const ms = Array.from({ length: count }, (_, i) => gaussian(rows, cols, dtype, 7 + i));
    const want = await ws.svdvalsBatch(ms, { backend: 'cpu' });
    const got = await ws.svdvalsBatch(ms, gpu);
    const err = Math.max(...got.map((s, i) => relErr(s, want[i])));
    const row = {
      count, rows, cols, dtype, err,
      gpu_ms: await time(() => ws.svdvalsBatch(ms, gpu)),
      cpu_ms: await time(() => ws.svdvalsBatch(ms, { backend: 'cpu' })),
    };
    results.batch.push(row);
    console.log(JSON.stringify(row));
  }

// --- crossover: smallest size at which the GPU wins (f32 and f64 alike: the larger of the two) ---
const probeSizes = quick ? [64, 128, 256] : [128, 192, 256, 384, 512, 768, 1024, 1536, 2048];
const crossover = {};
for (const dtype of ['f32', 'f64'])
  for (const n of probeSizes) {
    const m = gaussian(n, n, dtype, 3);
    const g = await time(() => ws.svdvals(m, gpu));
    const c = await time(() => ws.svdvals(m, { backend: 'cpu' }));
    if (g < c) {
      crossover[dtype] = n;
      break;
    }
  }
const n = Math.max(crossover.f32 ?? Infinity, crossover.f64 ?? Infinity);
results.crossover = { sizes: crossover, flops: Number.isFinite(n) ? n ** 3 : null };

// --- report ---
const svdTable = {
  title: `GPU values-only SVD, ${device}`,
  headers: ['size', 'dtype', 'gesvdj', 'Xgesvdp', 'Gram (GPU)', 'CPU gesdd', 'CPU Gram', 'best GPU vs CPU gesdd', 'max rel. err'],
  rows: results.svdvals.map((r) => {
    const best = Math.min(r.gpu_gesvdj_ms, r.gpu_gesvdp_ms);
    return [
      `${r.n}²`, r.dtype, fmtMs(r.gpu_gesvdj_ms), fmtMs(r.gpu_gesvdp_ms), fmtMs(r.gpu_gram_ms), fmtMs(r.cpu_gesdd_ms), fmtMs(r.cpu_gram_ms),
      fmtRatio(r.cpu_gesdd_ms / best),
      r.err_gesvdj === undefined ? '—' : Math.max(r.err_gesvdj, r.err_gesvdp).toExponential(1),
    ];
  }),
  notes: ['Ratios are CPU time / GPU time (higher: GPU faster). Errors: max |σ_gpu − σ_cpu| / σ_max. Goal: ≥ 10× at 4096² f32.'],
};
const batchTable = {
  title: 'GPU batched SVD (svdvalsBatch)',
  headers: ['batch', 'dtype', 'GPU', 'CPU', 'GPU vs CPU', 'max rel. err'],
  rows: results.batch.map((r) => [`${r.count} × ${r.rows}×${r.cols}`, r.dtype, fmtMs(r.gpu_ms), fmtMs(r.cpu_ms), fmtRatio(r.cpu_ms / r.gpu_ms), r.err.toExponential(1)]),
  notes: [
    `Crossover (smallest square size where the GPU beats the CPU): f32 ${crossover.f32 ?? '—'}, f64 ${crossover.f64 ?? '—'}` +
      (results.crossover.flops ? ` → setCudaCrossover(${results.crossover.flops}).` : '.'),
  ],
};
console.log('\n' + renderText(svdTable) + '\n' + renderText(batchTable));

if (!standIn && !quick) {
  writeFileSync(join(here, 'gpu-results.json'), JSON.stringify(results, null, 2) + '\n');
  const readme = join(here, 'README.md');
  const text = readFileSync(readme, 'utf8');
  const block = `<!-- BEGIN GPU BENCH -->\n${renderMarkdown(svdTable)}\n${renderMarkdown(batchTable)}\n<!-- END GPU BENCH -->`;
  const re = /<!-- BEGIN GPU BENCH -->[\s\S]*<!-- END GPU BENCH -->/;
  writeFileSync(readme, re.test(text) ? text.replace(re, block) : `${text.trimEnd()}\n\n## GPU\n\n${block}\n`);
  console.log('wrote bench/gpu-results.json and the GPU block of bench/README.md');
}
