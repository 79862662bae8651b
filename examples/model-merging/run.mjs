#!/usr/bin/env node
// Model merging by summing weights (the seed experiment: networks trained on inputs from orthogonal
// subspaces can be merged by adding their weights). Two linear networks y = W x are trained by gradient
// descent with weight decay from small seeded inits, network A on inputs in span(e_1..e_8), B on inputs in
// span(e_9..e_16), each with its own linear teacher. Their sum W_A + W_B is evaluated on both training sets
// and compares with each network alone. A control pair trained on OVERLAPPING input subspaces is merged the
// same way and fails. The alignment metrics show why: inputOrthogonality(X_A, X_B) ≈ 0 and the overlap of the
// weights' row spaces (subspaceOverlap, side 'right') ≈ 0, so W_B x_A ≈ 0 and W_A x_B ≈ 0; in the control
// both are large. Exits 1 when the effect is not reproduced.
//
//   npx tsc -p src/tsconfig.json && node examples/model-merging/run.mjs [--seed 1]
import { inputOrthogonalitySync, mergeBySum, subspaceOverlapSync } from '../../dist/index.js';

const seed = Number(process.argv[process.argv.indexOf('--seed') + 1] || 1);
function normal(s) {
  let a = s >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}
const g = normal(seed);
const D = 32;
const OUT = 6;
const N = 256;

/** n inputs (n × D) in the span of coordinates [lo, hi), and targets T x + noise. */
function task(lo, hi) {
  const T = Float64Array.from({ length: OUT * D }, (_, i) => (i % D >= lo && i % D < hi ? g() : 0));
  const X = new Float64Array(N * D);
  const Y = new Float64Array(N * OUT);
  for (let s = 0; s < N; s++) {
    for (let j = lo; j < hi; j++) X[s * D + j] = g();
    for (let o = 0; o < OUT; o++) {
      let v = 0;
      for (let j = 0; j < D; j++) v += T[o * D + j] * X[s * D + j];
      Y[s * OUT + o] = v + 0.05 * g();
    }
  }
  return { X: { data: X, shape: [N, D] }, Y };
}

function mse(W, t) {
  let e = 0;
  for (let s = 0; s < N; s++) for (let o = 0; o < OUT; o++) {
    let v = 0;
    for (let j = 0; j < D; j++) v += W.data[o * D + j] * t.X.data[s * D + j];
    e += (v - t.Y[s * OUT + o]) ** 2;
  }
  return e / (N * OUT);
}

/** Full-batch gradient descent on ½·mean‖Wx − y‖² + (wd/2)‖W‖² from a small random init. */
function train(t, { steps = 600, lr = 0.1, wd = 0.02 } = {}) {
  const W = Float64Array.from({ length: OUT * D }, () => 0.05 * g());
  const G = new Float64Array(OUT * D);
  const X = t.X.data;
  for (let it = 0; it < steps; it++) {
    G.fill(0);
    for (let s = 0; s < N; s++) for (let o = 0; o < OUT; o++) {
      let v = 0;
      for (let j = 0; j < D; j++) v += W[o * D + j] * X[s * D + j];
      const r = (v - t.Y[s * OUT + o]) / N;
      for (let j = 0; j < D; j++) G[o * D + j] += r * X[s * D + j];
    }
    for (let i = 0; i < W.length; i++) W[i] -= lr * (G[i] + wd * W[i]);
  }
  return { data: W, shape: [OUT, D] };
}

function experiment(label, [a0, a1], [b0, b1]) {
  const A = task(a0, a1);
  const B = task(b0, b1);
  const WA = train(A);
  const WB = train(B);
  const [Wm] = mergeBySum([WA], [WB]);
  const r = {
    label,
    aloneA: mse(WA, A), aloneB: mse(WB, B), mergedA: mse(Wm, A), mergedB: mse(Wm, B),
    inputOrthogonality: inputOrthogonalitySync(A.X, B.X),
    rowSpaceOverlap: subspaceOverlapSync(WA, WB, { side: 'right', k: OUT }),
  };
  console.log(`${label}: MSE alone A ${r.aloneA.toExponential(2)}, B ${r.aloneB.toExponential(2)}; merged on A ${r.mergedA.toExponential(2)}, on B ${r.mergedB.toExponential(2)}; ` +
    `input orthogonality ${r.inputOrthogonality.toFixed(3)}, row-space overlap ${r.rowSpaceOverlap.toFixed(3)}`);
  return r;
}

const orth = experiment('orthogonal inputs (dims 0-7 vs 8-15)', [0, 8], [8, 16]);
const ctrl = experiment('control: overlapping inputs (dims 0-7 vs 4-11)', [0, 8], [4, 12]);
// "about as well as each alone": within a factor 2 of the alone error, plus the noise floor 0.05² (the weight
// decay and the small init leave ~1e-3 of cross-talk); the control must be far worse.
const ok = (m, alone) => m <= 2 * alone + 0.0025;
const checks = [
  ['merged net ≈ each alone on task A', ok(orth.mergedA, orth.aloneA)],
  ['merged net ≈ each alone on task B', ok(orth.mergedB, orth.aloneB)],
  ['inputs orthogonal (< 0.05)', orth.inputOrthogonality < 0.05],
  ['row spaces of W_A and W_B orthogonal (overlap < 0.05)', orth.rowSpaceOverlap < 0.05],
  ['control: merging fails (error > 10× alone)', ctrl.mergedA > 10 * ctrl.aloneA && ctrl.mergedB > 10 * ctrl.aloneB],
  ['control: row spaces overlap (> 0.2)', ctrl.rowSpaceOverlap > 0.2],
];
for (const [what, pass] of checks) console.log(`${pass ? 'ok  ' : 'FAIL'} ${what}`);
process.exit(checks.every(([, p]) => p) ? 0 : 1);
