// Property suite, linalg layer: svdvals (gesdd, gram), svd (thin, full, top-k), eigvalsh, gram,
// gramEigvalsh, svdvalsBatch, matrix, dtypeOf and the backend/thread controls, against numpy.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { arraysAbs, closeAbs, decodeMatrix, epsDim, first, matrixArg, num, svalsCheck } from './lib/checks.js';
import { draw, encode, encodeSpec, materialize, matrixSpecArb, runs, seedOf, shapeArb, type MatrixSpec } from './lib/gen.js';
import { findPython, judge, NO_PYTHON, type Case, type Check } from './lib/harness.js';
import { KNOWN } from './lib/known.js';
import { expectVerdict } from './lib/verdict.js';

const SEED = seedOf(1019);
const N = runs(60);

function meta(s: MatrixSpec) {
  return { structure: s.structure, scale: s.scale };
}

/** Symmetric matrices for eigvalsh: (A + Aᵀ)/2 of a square spec. */
function symmetric(s: MatrixSpec) {
  const n = s.rows;
  const a = materialize({ ...s, cols: n });
  const out = a instanceof Float32Array ? new Float32Array(n * n) : new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = (a[i * n + j] + a[j * n + i]) / 2;
  return encode(out, [n, n]);
}

function cases(): Case[] {
  const out: Case[] = [];
  const specs = draw(matrixSpecArb(), N, SEED);
  specs.forEach((s, i) => {
    const A = encodeSpec(s);
    const mn = Math.min(s.rows, s.cols);
    out.push({ id: `svdvals-${i}`, fam: 'svdvals', args: { A, meta: meta(s) } });
    out.push({ id: `svdvals-gram-${i}`, fam: 'svdvals', args: { A, method: 'gram', meta: meta(s) } });
    out.push({ id: `svd-${i}`, fam: 'svd', args: { A, meta: meta(s) } });
    if (i % 3 === 0) out.push({ id: `svd-full-${i}`, fam: 'svd', args: { A, full: true, meta: meta(s) } });
    if (mn > 1) out.push({ id: `svd-k-${i}`, fam: 'svd', args: { A, k: 1 + (s.seed % (mn - 1)), meta: meta(s) } });
    out.push({ id: `gram-${i}`, fam: 'gram', args: { A, meta: meta(s) } });
    out.push({ id: `gramEigvalsh-${i}`, fam: 'gramEigvalsh', args: { A, meta: meta(s) } });
    const sq = { ...s, cols: s.rows };
    out.push({ id: `eigvalsh-${i}`, fam: 'eigvalsh', args: { A: symmetric(sq), meta: meta(s) } });
    if (i % 4 === 0) {
      const more = draw(matrixSpecArb({ shape: fc.constant([s.rows, s.cols] as [number, number]), dtypes: [s.dtype] }), 3, s.seed);
      out.push({ id: `batch-${i}`, fam: 'svdvalsBatch', args: { As: [A, ...more.map(encodeSpec)] } });
    }
    if (i % 5 === 0) out.push({ id: `dtypeOf-${i}`, fam: 'dtypeOf', args: { A } });
  });
  // matrix(rows, dtype): numbers, ragged rows, non-numbers, unknown dtypes
  const rowsArb = fc.oneof(
    shapeArb(5).chain(([r, c]) => fc.array(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: c, maxLength: c }), { minLength: r, maxLength: r })),
    fc.array(fc.array(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string(), fc.constant(null)), { maxLength: 4 }), { maxLength: 4 }),
  );
  draw(fc.tuple(rowsArb, fc.constantFrom('float64', 'float32', 'int8', 'float16')), runs(30), SEED + 1).forEach(([rows, dtype], i) =>
    out.push({ id: `matrix-${i}`, fam: 'matrix', args: { rows, dtype } }),
  );
  const junk = fc.oneof(fc.integer({ min: -5, max: 4 }), fc.constantFrom(1.5, 2 ** 31, 2 ** 53, '2', null, true), fc.double({ noNaN: true, noDefaultInfinity: true }));
  draw(junk, runs(12), SEED + 2).forEach((n, i) => out.push({ id: `threads-${i}`, fam: 'threads', args: { n } }));
  draw(fc.oneof(fc.double({ min: 0, max: 1e18, noNaN: true }), fc.constantFrom(-1, '5', null, 'x')), runs(10), SEED + 3).forEach((v, i) => {
    out.push({ id: `largeJobFlops-${i}`, fam: 'largeJobFlops', args: { v } });
    out.push({ id: `cudaCrossover-${i}`, fam: 'cudaCrossover', args: { v } });
  });
  out.push({ id: 'info', fam: 'info', args: {} });
  return out;
}

const svdvalsCheck: Check = (js, ref, c) => {
  const A = matrixArg(c);
  const [eps, n] = epsDim(A);
  const s = num(js) as number[];
  const r = ref as number[];
  if (c.args.method === 'gram') return arraysAbs('σ (gram)', s, r, Math.sqrt(16 * n * eps) * (r[0] ?? 0));
  return svalsCheck('σ', s, r, A);
};

/** U S Vt reproduces A (or its best rank-k part) and U, V are orthonormal. */
const svdCheck: Check = (js, ref, c) => {
  const A = matrixArg(c);
  const [eps, n] = epsDim(A);
  const r = (ref as { S: number[] }).S;
  const o = num(js) as { S: number[]; U: { data: number[]; shape: [number, number] }; Vt: { data: number[]; shape: [number, number] } };
  const k = (c.args.k as number | undefined) ?? r.length;
  const p = svalsCheck('S', o.S, r.slice(0, k), A);
  if (p) return p;
  const a = decodeMatrix(A);
  const [rows, cols] = A.shape;
  const [ur, uc] = o.U.shape;
  const [vr, vc] = o.Vt.shape;
  if (ur !== rows || vc !== cols) return `U is [${ur}, ${uc}], Vt [${vr}, ${vc}] for A [${rows}, ${cols}]`;
  const s1 = r[0] ?? 0;
  const tol = 64 * n * eps;
  // reconstruction, relative to σ_1; the residual of top-k must be σ_{k+1}'s size, no more
  let worst = 0;
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      let v = 0;
      for (let t = 0; t < k; t++) v += o.U.data[i * uc + t] * o.S[t] * o.Vt.data[t * vc + j];
      worst = Math.max(worst, Math.abs(v - a[i * cols + j]));
    }
  const allowed = (r[k] ?? 0) * Math.sqrt(Math.min(rows, cols)) + tol * s1;
  if (s1 > 0 && !(worst <= allowed)) return `|A − U S Vt|_max = ${worst.toExponential(3)} > ${allowed.toExponential(3)} (σ_1 = ${s1})`;
  const ortho = (m: number[], nr: number, nc: number, byCol: boolean, count: number, what: string) => {
    for (let x = 0; x < count; x++)
      for (let y = x; y < count; y++) {
        let d = 0;
        for (let t = 0; t < (byCol ? nr : nc); t++) d += byCol ? m[t * nc + x] * m[t * nc + y] : m[x * nc + t] * m[y * nc + t];
        const want = x === y ? 1 : 0;
        if (!(Math.abs(d - want) <= tol)) return `${what} not orthonormal: <${x}, ${y}> = ${d}`;
      }
    return null;
  };
  return first(ortho(o.U.data, ur, uc, true, uc, 'U'), ortho(o.Vt.data, vr, vc, false, vr, 'V'));
};

const eigCheck: Check = (js, ref, c) => {
  const A = matrixArg(c);
  const [eps, n] = epsDim(A);
  const r = ref as number[];
  const top = Math.max(...r.map(Math.abs));
  return arraysAbs('λ', num(js), r, 16 * n * eps * top);
};

const gramCheck: Check = (js, ref, c) => {
  const A = matrixArg(c);
  const [eps] = epsDim(A);
  const k = Math.max(...A.shape);
  const o = num(js) as { data: number[]; shape: [number, number] };
  const r = ref as { G: number[]; n: number };
  if (o.shape[0] !== r.n) return `Gram is [${o.shape}], numpy ${r.n}x${r.n}`;
  // |fl(a·b) − a·b| <= k·eps·‖a‖‖b‖ per entry; only the lower triangle is defined by ?syrk
  for (let i = 0; i < r.n; i++)
    for (let j = 0; j <= i; j++) {
      const tol = 2 * k * eps * Math.sqrt(r.G[i * r.n + i]) * Math.sqrt(r.G[j * r.n + j]) + Number.MIN_VALUE;
      const p = closeAbs(`G[${i}, ${j}]`, o.data[i * r.n + j], r.G[i * r.n + j], tol);
      if (p) return p;
    }
  return null;
};

const gramEigCheck: Check = (js, ref, c) => {
  const A = matrixArg(c);
  const [eps, n] = epsDim(A);
  const r = ref as number[];
  return arraysAbs('λ (Gram)', num(js), r, 16 * n * eps * Math.max(...r));
};

const CHECKS: Record<string, Check> = {
  svdvals: svdvalsCheck,
  svd: svdCheck,
  eigvalsh: eigCheck,
  gram: gramCheck,
  gramEigvalsh: gramEigCheck,
  svdvalsBatch: (js, ref, c) => {
    const o = num(js) as number[][];
    const r = ref as number[][];
    if (!Array.isArray(o) || o.length !== r.length) return `${Array.isArray(o) ? o.length : 'no'} results for ${r.length} matrices`;
    const As = c.args.As as ReturnType<typeof encodeSpec>[];
    for (let i = 0; i < r.length; i++) {
      const p = svalsCheck(`matrices[${i}] σ`, o[i], r[i], As[i]);
      if (p) return p;
    }
    return null;
  },
  matrix: (js, ref) => {
    const o = num(js) as { data: number[] };
    return arraysAbs('data', o.data, ref as number[], 0);
  },
  dtypeOf: (js, ref) => (js === ref ? null : `dtypeOf = ${js}, expected ${ref}`),
  threads: (js, ref) => (js === ref ? null : `getThreads() = ${js} after setThreads(${ref})`),
  largeJobFlops: (js, ref) => (js === ref ? null : `largeJobFlops = ${js} after setting ${ref}`),
  cudaCrossover: (js, ref) => (js === ref ? null : `getCudaCrossover() = ${js} after setting ${ref}`),
  info: (js, ref) => {
    const o = js as Record<string, unknown>;
    const r = ref as Record<string, unknown>;
    for (const k of Object.keys(r)) if (o[k] !== r[k]) return `${k} = ${o[k]}, expected ${r[k]}`;
    return o.dirs === true && o.memory === true && typeof o.threads === 'number' ? null : `backends/cudaSearchDirs/cudaMemory: ${JSON.stringify(o)}`;
  },
};

describe.skipIf(!findPython())(`property: linalg vs numpy${findPython() ? '' : ` (skipped: ${NO_PYTHON})`}`, () => {
  it('every case equals numpy where defined, else a typed WeightscopeError', async () => {
    const cs = cases();
    const v = await judge(cs, CHECKS, { known: KNOWN, isolate: (c) => c.fam === 'svd' && c.args.k !== undefined });
    expectVerdict('linalg', v, cs, KNOWN, SEED === 1019);
  }, 300_000);
});
