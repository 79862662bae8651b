// The GGUF part of `npm run bench:model`: read + dequantize throughput of 7B-sized Q4_K / Q6_K layers (one
// llama-7B block: attn_q 4096×4096, ffn_up 11008×4096 in Q4_K; attn_v 4096×4096, ffn_down 4096×11008 in Q6_K, as a
// Q4_K_M file mixes them). The file (random but valid blocks: finite fp16 scales) is generated once into
// bench/.cache. Per tensor, on one core (one I/O job at a time): the whole readGgml call (pread of 1 MiB chunks
// into a reused staging buffer + dequantization into the fresh output) and, from the same calls, the seconds
// spent in pread and in the kernels, as GB/s of stored file bytes. The file is read once before timing, so it is
// in the page cache: the figures are the reader's cost, not the disk's.
import { existsSync, mkdirSync, openSync, writeSync, closeSync, renameSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { median } from './stats.mjs';

const QK = { Q4_K: { id: 12, bytes: 144, scales: [0, 2] }, Q6_K: { id: 14, bytes: 210, scales: [208] } };
const LAYERS = [
  ['blk.0.attn_q.weight', 'Q4_K', 4096, 4096],
  ['blk.0.attn_v.weight', 'Q6_K', 4096, 4096],
  ['blk.0.ffn_up.weight', 'Q4_K', 11008, 4096],
  ['blk.0.ffn_down.weight', 'Q6_K', 4096, 11008],
];
const ALIGN = 32;

const u32 = (v) => Buffer.from(new Uint32Array([v]).buffer);
const u64 = (v) => Buffer.from(new BigUint64Array([BigInt(v)]).buffer);
const str = (s) => Buffer.concat([u64(Buffer.byteLength(s)), Buffer.from(s)]);

/** Random valid blocks of `type` for rows × cols (seeded xorshift; scales set to finite halves ~0.01). */
function blocks(type, rows, cols, seed) {
  const q = QK[type];
  const n = (rows * cols) / 256;
  const b = Buffer.allocUnsafe(n * q.bytes);
  const w = new Uint32Array(b.buffer, b.byteOffset, b.length >>> 2);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < w.length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    w[i] = x >>> 0;
  }
  for (let i = 0; i < n; i++) for (const at of q.scales) b.writeUInt16LE(0x2000 + ((i * 7 + at) & 0x3ff), i * q.bytes + at);
  return b;
}

/** Writes the GGUF (v3) file; returns the tensors with their absolute offsets. */
export function ensureGgufFile(cacheDir) {
  mkdirSync(cacheDir, { recursive: true });
  const file = path.join(cacheDir, 'llama7b-block-q4km-v1.gguf');
  let rel = 0;
  const infos = LAYERS.map(([name, type, out, inp]) => {
    const byteLength = ((out * inp) / 256) * QK[type].bytes;
    const t = { name, type, out, inp, rel, byteLength };
    rel += Math.ceil(byteLength / ALIGN) * ALIGN;
    return t;
  });
  const head = Buffer.concat([
    Buffer.from('GGUF'), u32(3), u64(infos.length), u64(1),
    str('general.architecture'), u32(8), str('llama'),
    ...infos.map((t) => Buffer.concat([str(t.name), u32(2), u64(t.inp), u64(t.out), u32(QK[t.type].id), u64(t.rel)])),
  ]);
  const dataStart = Math.ceil(head.length / ALIGN) * ALIGN;
  if (!existsSync(file)) {
    const tmp = `${file}.tmp`;
    const fd = openSync(tmp, 'w');
    writeSync(fd, Buffer.concat([head, Buffer.alloc(dataStart - head.length)]));
    infos.forEach((t, i) => writeSync(fd, blocks(t.type, t.out, t.inp, 1234 + i), 0, t.byteLength, dataStart + t.rel));
    closeSync(fd);
    renameSync(tmp, file);
  }
  return { file, tensors: infos.map((t) => ({ ...t, offset: dataStart + t.rel })) };
}

/** Lets the previous result's output go back to the native pool (needs node --expose-gc). */
async function collect() {
  globalThis.gc();
  await new Promise((r) => setImmediate(r));
  globalThis.gc();
}

/**
 * Measures each tensor `reps` times after one warm-up read (page cache); medians. warm: the previous output
 * is collected before each call, so (with WEIGHTSCOPE_POOL_MB above the tensor's size) the output block comes
 * back warm from the pool, as in analyze(), which drops each tensor before reading the next.
 */
export async function measureGguf(cacheDir, reps, log, warm = false) {
  const { file, tensors } = ensureGgufFile(cacheDir);
  const { readGgml } = await import(pathToFileURL(path.join(cacheDir, '..', '..', 'dist', 'linalg', 'ggml.js')).href);
  const rows = [];
  for (const t of tensors) {
    const spec = { offset: t.offset, byteLength: t.byteLength, type: QK[t.type].id, count: t.out * t.inp };
    await readGgml(file, spec); // warm the page cache
    const wall = [], cpu = [], read = [], kern = [];
    for (let r = 0; r < reps; r++) {
      if (warm) await collect();
      const t0 = performance.now();
      const res = await readGgml(file, spec);
      wall.push((performance.now() - t0) / 1000);
      cpu.push(res.readCpuSeconds + res.decodeCpuSeconds + res.allocCpuSeconds);
      read.push(res.readCpuSeconds);
      kern.push(res.decodeCpuSeconds);
    }
    const gbps = (s) => t.byteLength / 1e9 / s;
    const row = {
      tensor: t.name, type: t.type, output: warm ? 'warm (pool)' : 'fresh', shape: [t.out, t.inp], file_mib: t.byteLength / 2 ** 20,
      wall_s: median(wall), cpu_s: median(cpu), read_cpu_s: median(read), kernel_cpu_s: median(kern),
      wall_gbps: gbps(median(wall)), end_to_end_gbps: gbps(median(cpu)), pread_gbps: gbps(median(read)), kernel_gbps: gbps(median(kern)),
    };
    log(`gguf ${warm ? 'warm ' : 'fresh'} ${t.name} ${t.type} ${t.out}x${t.inp}: per core ${row.end_to_end_gbps.toFixed(2)} GB/s of file (kernels incl. first-touch of the output ${row.kernel_gbps.toFixed(2)}, pread ${row.pread_gbps.toFixed(2)}); wall ${row.wall_gbps.toFixed(2)} GB/s`);
    rows.push(row);
  }
  const total = rows.reduce((a, r) => a + r.file_mib * 2 ** 20, 0);
  const sum = (k) => rows.reduce((a, r) => a + r[k], 0);
  return {
    file: path.basename(file), reps, tensors: rows,
    total: { end_to_end_gbps: total / 1e9 / sum('cpu_s'), kernel_gbps: total / 1e9 / sum('kernel_cpu_s'), pread_gbps: total / 1e9 / sum('read_cpu_s'), wall_gbps: total / 1e9 / sum('wall_s') },
    goal_gbps_per_core: 1,
  };
}

/** The README table of the GGUF part. */
export function ggufTable(g) {
  return {
    title: `GGUF read + dequantize, one core (${g.reps} runs per tensor, medians; file in the page cache; goal ≥ ${g.goal_gbps_per_core} GB/s of file per core)`,
    headers: ['tensor', 'output', 'type', 'shape', 'file MiB', 'per core GB/s (CPU time)', 'kernels GB/s', 'pread GB/s', 'wall GB/s'],
    rows: [
      ...g.tensors.map((r) => [r.tensor, r.output, r.type, r.shape.join('×'), r.file_mib.toFixed(1), r.end_to_end_gbps.toFixed(2), r.kernel_gbps.toFixed(2), r.pread_gbps.toFixed(2), r.wall_gbps.toFixed(2)]),
      ...[['fresh', g.total], ['warm (pool)', g.total_warm]].map(([o, t]) => ['all four', o, 'Q4_K_M mix', '', (g.tensors.reduce((a, r) => a + r.file_mib, 0) / 2).toFixed(1), t.end_to_end_gbps.toFixed(2), t.kernel_gbps.toFixed(2), t.pread_gbps.toFixed(2), t.wall_gbps.toFixed(2)]),
    ],
  };
}

const BEGIN = '<!-- BEGIN GENERATED GGUF by `npm run bench:model`: do not edit, re-run it instead -->';
const END = '<!-- END GENERATED GGUF -->';

/** Runs the GGUF part, writes bench/gguf-results.json and its block of bench/README.md; returns the tables. */
export async function runGgufPart(benchDir, reps, log, renderMarkdown) {
  const { writeFileSync, readFileSync } = await import('node:fs');
  const os = await import('node:os');
  const { runJson } = await import('./child.mjs');
  const driver = path.join(benchDir, 'drivers', 'ws_gguf.mjs');
  ensureGgufFile(path.join(benchDir, '.cache'));
  log('gguf: fresh outputs (each call maps new pages for its result)');
  const fresh = await runJson(process.execPath, [driver, JSON.stringify({ reps, warm: false })], process.env);
  log('gguf: warm outputs (the previous result collected first, WEIGHTSCOPE_POOL_MB=1024: its block is reused)');
  const warm = await runJson(process.execPath, ['--expose-gc', driver, JSON.stringify({ reps, warm: true })], { ...process.env, WEIGHTSCOPE_POOL_MB: '1024' });
  const g = { ...fresh, tensors: [...fresh.tensors, ...warm.tensors], total: fresh.total, total_warm: warm.total };
  g.meta = { date: new Date().toISOString(), node: process.version, cpu: os.cpus()[0]?.model ?? 'unknown', loadavg: os.loadavg() };
  writeFileSync(path.join(benchDir, 'gguf-results.json'), `${JSON.stringify(g, null, 1)}\n`);
  const table = ggufTable(g);
  const note =
    `Run ${g.meta.date} on ${g.meta.cpu} (1-min load ${g.meta.loadavg[0].toFixed(2)}). Per core = stored bytes / the job thread's ` +
    'CPU time (user + system, page faults included) for the whole readGgml call: allocating the float32 output (and faulting ' +
    'it in: huge pages, one populate call), pread of 1 MiB chunks into one reused staging buffer, and dequantizing each chunk ' +
    'into the output; kernels and pread are their shares of the same calls. Wall: elapsed time, which on a loaded ' +
    'machine includes waiting for a core. Fresh: every call maps new pages for its float32 result (faulting them in is what ' +
    'this machine charges most for: a VM); warm: the previous result is collected first and, with WEIGHTSCOPE_POOL_MB=1024 ' +
    '(the default pool keeps 128 MiB), its block comes back from the pool already mapped, as in analyze(), which drops each ' +
    'tensor before it reads the next. Raw numbers in [gguf-results.json](gguf-results.json).';
  const block = [BEGIN, '', renderMarkdown(table), note, '', END].join('\n');
  const readme = path.join(benchDir, 'README.md');
  let text = readFileSync(readme, 'utf8');
  const b = text.indexOf(BEGIN);
  const e = text.indexOf(END);
  text = b >= 0 && e > b ? text.slice(0, b) + block + text.slice(e + END.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(readme, text);
  return [table];
}
