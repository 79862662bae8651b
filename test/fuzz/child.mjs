// Fuzz child: opens each input it is sent with openModel, reads every tensor (and runs analyze() when asked),
// and answers with the outcome. Anything that is not a result or a WeightscopeError is reported as a finding;
// a native crash or a hang shows up in the parent as this process dying or not answering.
//   node --expose-gc child.mjs <dist/index.js URL>      (started by pool.mjs, under `ulimit -v`)
import * as fs from 'node:fs';
import * as path from 'node:path';

const { openModel, analyze, WeightscopeError } = await import(process.argv[2]);
const gc = globalThis.gc ?? (() => {});
let current = null;
let phase = 'open';

function die(kind, e) {
  process.send?.({ id: current, fatal: kind, message: String(e?.stack ?? e) }, () => process.exit(70));
  setTimeout(() => process.exit(70), 1000);
}
process.on('unhandledRejection', (e) => die('unhandledRejection', e));
process.on('uncaughtException', (e) => die('uncaughtException', e));

function vmPeakBytes() {
  const m = /VmPeak:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/** Deliberate faults, so the parent's self-test can prove each kind of failure is detected. */
const PROBES = {
  abort: () => process.abort(),
  hang: () => { for (;;); },
  reject: () => { Promise.reject(new Error('probe: unhandled rejection')); return { tensors: 0 }; },
  typeerror: () => { throw new TypeError('probe: a plain TypeError'); },
  alloc: () => ({ tensors: new Float64Array(2 ** 30).length }), // 8 GiB: refused under ulimit -v
  memory: () => { globalThis.keep = new Uint8Array(300 * 2 ** 20).fill(1); return { tensors: 0 }; },
};

const product = (s) => s.reduce((a, b) => a * b, 1);

async function run(job) {
  if (job.probe) {
    const base = process.memoryUsage().arrayBuffers;
    const r = PROBES[job.probe]();
    return { ...r, peak: process.memoryUsage().arrayBuffers - base };
  }
  const file = path.join(job.dir, job.entry);
  const out = { tensors: 0, analyzed: undefined, peak: 0 };
  phase = 'open';
  const base = process.memoryUsage().arrayBuffers;
  const sample = () => { out.peak = Math.max(out.peak, process.memoryUsage().arrayBuffers - base); };
  const model = await openModel(file);
  phase = 'read';
  for await (const t of model) {
    sample();
    if (t.data.length !== product(t.shape)) throw new Error(`invariant: ${t.name} has ${t.data.length} values for shape [${t.shape}]`);
    out.tensors++;
  }
  if (model.tensors.length > 0) await model.read(model.tensors[0].name); // the by-name path too
  if (/\.(safetensors|onnx)$/.test(job.entry)) {
    // the same bytes from memory (Uint8Array source): same outcome expected, minus external data
    phase = 'memory';
    const bytes = new Uint8Array(fs.readFileSync(file));
    try {
      for await (const t of await openModel(bytes)) if (t.data.length !== product(t.shape)) throw new Error(`invariant: in-memory ${t.name}`);
    } catch (e) {
      if (!(e instanceof WeightscopeError)) throw e;
    }
    sample();
  }
  if (job.analyze && out.tensors > 0) {
    phase = 'analyze';
    const r = await analyze(file, { metrics: ['mp', 'rank'] });
    sample();
    for (const l of r.layers) {
      // α is finite for a successful fit; a failed one says why. Never a silent NaN.
      if (l.status === 'success' && !Number.isFinite(l.alpha)) throw new Error(`invariant: ${l.name} success with alpha ${l.alpha}`);
      if (l.status !== 'success' && !l.reason) throw new Error(`invariant: ${l.name} ${l.status} without a reason`);
    }
    out.analyzed = { layers: r.layers.length, skipped: r.skipped.length };
  }
  return out;
}

process.on('message', async (job) => {
  current = job.id;
  gc();
  const vm0 = vmPeakBytes();
  const t0 = performance.now();
  let reply;
  try {
    reply = { outcome: 'ok', ...(await run(job)) };
  } catch (e) {
    // analyze() reports a bad layer in `skipped` and goes on; only reading the file may fail it (E_FORMAT)
    reply = e instanceof WeightscopeError && (phase !== 'analyze' || e.code === 'E_FORMAT')
      ? { outcome: 'error', code: e.code, phase, message: e.message.slice(0, 300) }
      : { outcome: 'bad-error', phase, message: String(e?.stack ?? e).slice(0, 2000) };
  }
  // let unhandled rejections from this input surface before answering
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  reply.ms = performance.now() - t0;
  reply.vmGrowth = vmPeakBytes() - vm0;
  process.send({ id: job.id, ...reply });
});
// Warm up the native core (OpenBLAS threads and buffers, V8 heap) so VmPeak growth measures the inputs.
{
  const { analyzeMatrix } = await import(process.argv[2]);
  const W = { data: Float64Array.from({ length: 600 * 400 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1), shape: [600, 400] };
  // several at once: every libuv pool thread gets its malloc arena and OpenBLAS buffers now
  await Promise.all(Array.from({ length: 4 }, () => analyzeMatrix(W, { mpFit: true, randomize: true })));
  await analyze([{ name: 'w', W }], { metrics: ['mp', 'rank'] });
  // the threads that read files and inflate .npz members take their malloc arenas on first use, too
  const fixture = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'fixtures', 'numpy', 'vit_compressed.npz');
  for (let k = 0; k < 2; k++) for await (const t of await openModel(fixture)) void t;
}
process.send({ ready: true, vmPeak: vmPeakBytes() });
