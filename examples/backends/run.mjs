// Where do the SVDs run? Prints the CPU and CUDA backends, then computes the singular values of one
// random matrix on every backend this machine has (CPU always; the GPU when CUDA is usable) with each
// routine, the time, and how far the GPU's values are from the CPU's.
//   npm run build && node examples/backends/run.mjs [N]        (N x N float32, default 2048)
import { backends, svdvals, getCudaCrossover } from '../../dist/index.js';

const n = Number(process.argv[2] ?? 2048);
const { cpu, cuda } = backends();
console.log(`CPU : ${cpu.library} ${cpu.version} (${cpu.corename}), ${cpu.threads} threads, ${cpu.linkage} linkage`);
console.log(
  cuda.available
    ? `CUDA: ${cuda.devices[0].name}, runtime ${cuda.runtimeVersion}, cuSOLVER ${cuda.cusolverVersion}`
    : `CUDA: unavailable at stage '${cuda.stage}': ${cuda.reason}`,
);
console.log(`'auto' uses the GPU from rows*cols*min(rows, cols) >= ${getCudaCrossover()} (setCudaCrossover to change)\n`);

const data = new Float32Array(n * n);
let seed = 7;
for (let i = 0; i < n * n; i++) {
  seed = (seed * 1103515245 + 12345) >>> 0;
  data[i] = seed / 2 ** 32 - 0.5;
}
const m = { data, shape: [n, n] };

async function timed(label, backend, method) {
  const opts = method ? { backend, method } : { backend };
  const t0 = performance.now();
  const s = await svdvals(m, opts);
  const ms = performance.now() - t0;
  console.log(`${label.padEnd(22)} ${ms.toFixed(0).padStart(7)} ms   sigma_max ${s[0].toFixed(4)}`);
  return s;
}

const ref = await timed('cpu (gesdd)', 'cpu'); // the first call also loads the libraries
await timed('cpu (gram route)', 'cpu', 'gram');
if (cuda.available) {
  for (const method of ['gesvdp', 'gesvdj', 'gram']) {
    const s = await timed(`cuda (${method})`, 'cuda', method);
    let err = 0;
    for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(s[i] - ref[i]));
    console.log(`${''.padEnd(22)} max |sigma_gpu - sigma_cpu| / sigma_max = ${(err / ref[0]).toExponential(1)}`);
  }
}
