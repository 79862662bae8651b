#!/usr/bin/env node
// Parser fuzzing campaign for the model readers (safetensors, tfjs, ONNX, PyTorch, NumPy, TFLite): mutated real models go through
// openModel + reading every tensor (and analyze() on a sample of those that open) in a pool of child
// processes. A finding is a crash, a hang, an error that is not a WeightscopeError, an unhandled rejection,
// a broken invariant, or memory use out of proportion to the input (an allocation sized from a header).
//
//   node test/fuzz/run.mjs [--per-format 10000] [--seed 1] [--jobs 2] [--timeout-ms 10000]
//                          [--formats safetensors,tfjs,onnx,pytorch,numpy,tflite,gguf] [--analyze-every 8] [--only onnx:123]
//                          [--no-save] [--report out.json]
//   node test/fuzz/run.mjs --replay test/fixtures/fuzz-regressions   (every saved input again, analyze() too)
// Needs dist/ (npx tsc -p src/tsconfig.json). Exit code 1 when anything was found; findings are saved to
// test/fixtures/fuzz-regressions/<format>/<seed>-<index>/ (the model's files plus finding.json).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { generate } from './generate.mjs';
import { Pool } from './pool.mjs';
import { loadSeeds } from './seeds.mjs';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

function args(argv) {
  const o = { perFormat: 10000, seed: 1, jobs: 2, timeoutMs: 10000, formats: ['safetensors', 'tfjs', 'onnx', 'pytorch', 'numpy', 'tflite', 'gguf'], analyzeEvery: 8, save: true, only: null, report: null, replay: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => argv[++i];
    if (a === '--per-format') o.perFormat = Number(v());
    else if (a === '--seed') o.seed = Number(v());
    else if (a === '--jobs') o.jobs = Number(v());
    else if (a === '--timeout-ms') o.timeoutMs = Number(v());
    else if (a === '--formats') o.formats = v().split(',');
    else if (a === '--analyze-every') o.analyzeEvery = Number(v());
    else if (a === '--only') o.only = v();
    else if (a === '--no-save') o.save = false;
    else if (a === '--report') o.report = v();
    else if (a === '--replay') o.replay = v();
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

const MiB = 2 ** 20;
/** Memory an input may make the reader allocate: a few copies of its bytes (widening, transposes) + slack. */
const allowance = (inputBytes) => 64 * MiB + 32 * inputBytes;

function writeInput(dir, input) {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(input.files)) fs.writeFileSync(path.join(dir, name), bytes);
}

/** The harness must detect every kind of failure it claims to: run deliberate faults first. */
async function selfTest(pool, timeoutMs) {
  const want = { abort: 'crash', hang: 'hang', reject: 'unhandledRejection', typeerror: 'bad-error', alloc: 'bad-error', memory: 'memory' };
  const probes = Object.keys(want);
  const got = {};
  await pool.drain(
    // the hang probe is caught by a 3 s timeout; the others get time to do their fault on a loaded machine
    // (filling 300 MB took 4.6 s at a load of 15)
    async () => (probes.length ? { id: `probe-${probes[0]}`, timeoutMs: probes[0] === 'hang' ? 3000 : 30000, probe: probes.shift() } : null),
    (job, reply) => { got[job.probe] = classify(reply, 0); },
  );
  const bad = Object.entries(want).filter(([p, k]) => got[p]?.kind !== k);
  if (bad.length) throw new Error(`harness self-test failed: ${bad.map(([p, k]) => `${p}: want ${k}, got ${got[p]?.kind}`).join('; ')}`);
  console.log(`self-test: ${Object.keys(want).length} deliberate faults detected (${Object.values(want).join(', ')})`);
}

/** A child's reply -> { kind } where kind is 'ok', 'error' (WeightscopeError) or a finding kind. */
function classify(reply, inputBytes) {
  if (reply.finding) return { kind: reply.finding, message: reply.message };
  if (reply.outcome === 'bad-error') return { kind: 'bad-error', message: reply.message };
  if (reply.peak > allowance(inputBytes) || reply.vmGrowth > 192 * MiB + allowance(inputBytes)) {
    return { kind: 'memory', message: `array buffers +${(reply.peak / MiB).toFixed(1)} MiB, VmPeak +${(reply.vmGrowth / MiB).toFixed(1)} MiB for a ${(inputBytes / MiB).toFixed(2)} MiB input` };
  }
  return { kind: reply.outcome, code: reply.code && `${reply.phase}:${reply.code}`, message: reply.message };
}

function save(o, format, index, input, finding) {
  const dir = path.join(ROOT, 'test/fixtures/fuzz-regressions', format, `${o.seed}-${index}`);
  writeInput(dir, input);
  fs.writeFileSync(path.join(dir, 'finding.json'), JSON.stringify({ format, seed: o.seed, index, entry: input.entry, from: input.seed, ops: input.ops, ...finding }, null, 2) + '\n');
  return path.relative(ROOT, dir);
}

/** Every saved input under `root` (folders holding finding.json), run once more with analyze(). */
async function replay(pool, root, timeoutMs) {
  const dirs = [];
  const walk = (d) => {
    if (fs.existsSync(path.join(d, 'finding.json'))) dirs.push(d);
    else for (const e of fs.readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(path.join(d, e.name));
  };
  walk(path.resolve(root));
  const bad = [];
  const outcomes = {};
  let i = 0;
  await pool.drain(
    async () => {
      if (i >= dirs.length) return null;
      const dir = dirs[i++];
      const { entry } = JSON.parse(fs.readFileSync(path.join(dir, 'finding.json'), 'utf8'));
      return { id: path.relative(ROOT, dir), dir, entry, analyze: true };
    },
    (job, reply) => {
      const bytes = fs.readdirSync(job.dir).reduce((s, f) => s + fs.statSync(path.join(job.dir, f)).size, 0);
      const c = classify(reply, bytes);
      const k = c.kind === 'error' ? c.code : c.kind;
      outcomes[k] = (outcomes[k] ?? 0) + 1;
      if (c.kind !== 'ok' && c.kind !== 'error') bad.push(`${job.id}: ${c.kind}: ${String(c.message).split('\n')[0]}`);
      console.log(`${job.id}: ${k}${c.message ? ` (${String(c.message).split('\n')[0].slice(0, 160)})` : ''}`);
    },
    timeoutMs,
  );
  console.log(`replay: ${dirs.length} saved inputs, ${bad.length} findings ${JSON.stringify(outcomes)}`);
  return bad.length;
}

async function main() {
  const o = args(process.argv.slice(2));
  const dist = pathToFileURL(path.join(ROOT, 'dist', 'index.js')).href;
  if (!fs.existsSync(new URL(dist))) throw new Error('dist/index.js missing: run npx tsc -p src/tsconfig.json first');
  if (o.replay) {
    const pool = new Pool({ size: o.jobs, dist, vmLimitKb: 3 * 1024 * 1024, heapMb: 512 });
    try {
      process.exitCode = (await replay(pool, o.replay, o.timeoutMs)) ? 1 : 0;
    } finally {
      pool.close();
    }
    return;
  }
  const seeds = loadSeeds();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-fuzz-'));
  // 3 GiB of address space: Node + OpenBLAS need ~1.5 GiB reserved; a 1 TB (or 2 GB) header-driven
  // allocation does not fit. The JS heap is capped separately.
  const pool = new Pool({ size: o.jobs, dist, vmLimitKb: 3 * 1024 * 1024, heapMb: 512 });
  const t0 = performance.now();
  const stats = {};
  const findings = [];
  const harnessErrors = [];
  try {
    await selfTest(pool, o.timeoutMs); // the memory probe fills 300 MiB: slow on a loaded machine
    const queue = [];
    for (const f of o.formats) {
      stats[f] = { inputs: 0, ok: 0, codes: {}, analyzed: 0, tensors: 0, findings: 0, maxMs: 0, peakMiB: 0, lastErrors: {} };
      for (let i = 0; i < o.perFormat; i++) queue.push([f, i]);
    }
    if (o.only) {
      const [f, i] = o.only.split(':');
      queue.splice(0, queue.length, [f, Number(i)]);
      stats[f] ??= { inputs: 0, ok: 0, codes: {}, analyzed: 0, tensors: 0, findings: 0, maxMs: 0, peakMiB: 0, lastErrors: {} };
    }
    let q = 0;
    let lastLog = performance.now();
    const inputs = new Map();
    await pool.drain(
      async () => {
        if (q >= queue.length) return null;
        const [format, index] = queue[q++];
        let input;
        try {
          input = generate(seeds, format, o.seed, index);
        } catch (e) {
          // a bug of the harness, not of weightscope: reported, and the run fails with exit code 2
          harnessErrors.push(`${format}:${index}: ${e.stack}`);
          console.log(`HARNESS ERROR generating ${format}:${index}: ${e.message}`);
          input = { entry: 'none', files: {}, seed: 'none', ops: ['harness-error'] };
        }
        const dir = path.join(tmp, `${format}-${index}`);
        writeInput(dir, input);
        const id = `${format}:${index}`;
        inputs.set(id, { input, dir, bytes: Object.values(input.files).reduce((s, b) => s + b.length, 0) });
        return { id, format, index, dir, entry: input.entry, analyze: index % o.analyzeEvery === 0 };
      },
      (job, reply) => {
        const { input, dir, bytes } = inputs.get(job.id);
        inputs.delete(job.id);
        const s = stats[job.format];
        s.inputs++;
        const c = classify(reply, bytes);
        if (c.kind === 'ok') {
          s.ok++;
          s.tensors += reply.tensors;
          if (reply.analyzed) s.analyzed++;
        } else if (c.kind === 'error') {
          s.codes[c.code] = (s.codes[c.code] ?? 0) + 1;
          if (!c.code.startsWith('open:')) s.lastErrors[c.code] = `${job.id}: ${c.message}`;
        } else {
          s.findings++;
          const where = o.save ? save(o, job.format, job.index, input, c) : '(not saved)';
          findings.push({ id: job.id, ...c, ops: input.ops, from: input.seed, saved: where });
          console.log(`FINDING ${c.kind} ${job.id} from ${input.seed} [${input.ops.join(', ')}] -> ${where}\n  ${String(c.message).split('\n').slice(0, 4).join('\n  ')}`);
        }
        if (reply.ms > s.maxMs) {
          s.maxMs = reply.ms;
          s.slowest = `${job.id} [${input.ops.join(', ')}]`;
        }
        if (reply.peak) s.peakMiB = Math.max(s.peakMiB, reply.peak / MiB);
        fs.rmSync(dir, { recursive: true, force: true });
        if (performance.now() - lastLog > 15000) {
          lastLog = performance.now();
          const done = Object.values(stats).reduce((a, b) => a + b.inputs, 0);
          console.log(`  ${done}/${queue.length} inputs, ${findings.length} findings, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
        }
      },
      o.timeoutMs,
    );
  } finally {
    pool.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const seconds = (performance.now() - t0) / 1000;
  for (const [f, s] of Object.entries(stats)) {
    console.log(`${f}: ${s.inputs} inputs, ${s.ok} opened and fully read (${s.tensors} tensors, ${s.analyzed} also analyze()d), ` +
      `WeightscopeError ${JSON.stringify(s.codes)}, findings ${s.findings}, slowest ${s.maxMs.toFixed(0)} ms (${s.slowest}), peak array buffers ${s.peakMiB.toFixed(1)} MiB`);
  }
  console.log(`${findings.length} findings in ${seconds.toFixed(0)} s (seed ${o.seed}, ${o.jobs} children)`);
  if (o.report) fs.writeFileSync(o.report, JSON.stringify({ options: o, seconds, stats, findings }, null, 2) + '\n');
  if (harnessErrors.length) console.log(`${harnessErrors.length} inputs could not be generated (harness bug):\n${harnessErrors.slice(0, 3).join('\n')}`);
  process.exitCode = harnessErrors.length ? 2 : findings.length ? 1 : 0;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 2;
});
