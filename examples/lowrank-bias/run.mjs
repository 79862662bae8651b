#!/usr/bin/env node
// Low-rank bias of weight decay, reproduced in Node (Kuzborskij & Abbasi-Yadkori 2025; formulas.md §9):
// the same seeded MLP is trained on the same data with weight decay 0 and two positive values, and every
// `--every` steps weightscope's async API reports per-layer stable/effective rank, cos(W, ∇L) (→ −1 at a
// stationary point of L + λ/2‖W‖²) and balancedness. Expect: ranks fall as weight decay grows; cos → −1
// and the stationarity residual ‖∇L + λW‖/‖∇L‖ → 0 with weight decay; imbalance → 0.
//
//   npx tsc -p src/tsconfig.json && node examples/lowrank-bias/run.mjs [--steps 1500] [--every 300]
//        [--wd 0,0.01,0.03] [--seed 1] [--quiet]
import { gaussianMixture } from './data.mjs';
import { MLP } from './mlp.mjs';

import { rankReport, gradientAlignment, balancedness, neuralCollapse, richness } from '../../dist/index.js';

function args() {
  const a = { steps: 1500, every: 300, wd: [0, 0.01, 0.03], seed: 1, quiet: false };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--quiet') a.quiet = true;
    else if (k === '--wd') a.wd = argv[++i].split(',').map(Number);
    else if (k === '--steps' || k === '--every' || k === '--seed') a[k.slice(2)] = Number(argv[++i]);
    else throw new Error(`unknown argument ${k}`);
  }
  return a;
}

const opt = args();
const sizes = [24, 64, 64, 4];
const data = gaussianMixture({ n: 256, d: sizes[0], classes: sizes.at(-1), sep: 3, seed: opt.seed });
const hyper = { lr: 0.05, momentum: 0.9 };
const f = (v, d = 3) => (v === null || v === undefined ? '   -  ' : v.toFixed(d).padStart(d + 4));

async function diagnostics(net, grads, weightDecay) {
  const W = net.matrices();
  const ranks = await Promise.all(W.map((m) => rankReport(m)));
  const align = gradientAlignment(W, grads.map((g, l) => ({ data: g, shape: W[l].shape })), { weightDecay });
  const bal = await balancedness(W);
  return { ranks, align, bal };
}

function line(step, loss, acc, d) {
  const sr = d.ranks.map((r) => f(r.stableRank, 2)).join('');
  const er = d.ranks.map((r) => f(r.effectiveRank, 1)).join('');
  const cos = d.align.layers.map((l) => f(l.cos, 4)).join('');
  const res = d.align.layers.map((l) => f(l.residual, 3)).join('');
  const imb = d.bal.imbalance.map((v) => f(v, 3)).join('');
  return `${String(step).padStart(6)} ${f(loss, 4)} ${f(acc, 3)} |${sr} |${er} |${cos} |${res} |${imb}`;
}

const header =
  '  step    loss    acc |    stable rank W1..W3 |  effective rank |        cos(W, ∇L)        |' +
  ' ‖∇L+λW‖/‖∇L‖ | imbalance 1-2, 2-3';
const summary = [];
const t0 = performance.now();
for (const weightDecay of opt.wd) {
  const net = new MLP(sizes, opt.seed + 100);
  const { X, y, n } = data.train;
  console.log(`\n== weight decay ${weightDecay}  (MLP ${sizes.join('-')}, ReLU, no biases, GD lr ${hyper.lr} momentum ${hyper.momentum}, ${opt.steps} steps)`);
  if (!opt.quiet) console.log(header);
  let last;
  for (let step = 0; step <= opt.steps; step++) {
    const { loss, accuracy, grads } = net.lossAndGradients(X, y, n);
    if (step % opt.every === 0 || step === opt.steps) {
      const d = await diagnostics(net, grads, weightDecay);
      if (!opt.quiet) console.log(line(step, loss, accuracy, d));
      last = { loss, accuracy, d };
    }
    if (step < opt.steps) net.step(grads, { ...hyper, weightDecay });
  }
  // Penultimate features of the training set: neural collapse and richness (formulas.md §10).
  const A = net.forward(X, n);
  const H = { data: A.at(-2), shape: [n, sizes.at(-2)] };
  const logits = { data: A.at(-1), shape: [n, sizes.at(-1)] };
  const nc = await neuralCollapse(H, y, { W: net.matrices().at(-1) });
  const rich = await richness(H, logits, { labels: y });
  summary.push({ weightDecay, ...last, test: net.accuracy(data.test.X, data.test.y, data.test.n), nc, rich });
}

console.log(`\n== summary after ${opt.steps} steps (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
console.log('    wd | train/test acc | stable rank W1 W2 W3   | effective rank W1 W2 W3 | num. rank | cos(W,∇L) W1 W2 W3      | total cos | imbalance   |  NC1   D_LR');
for (const s of summary) {
  const r = s.d.ranks;
  console.log(
    `${String(s.weightDecay).padStart(6)} | ${s.accuracy.toFixed(3)} / ${s.test.toFixed(3)} |` +
      `${r.map((x) => f(x.stableRank, 2)).join('')} |${r.map((x) => f(x.effectiveRank, 2)).join('')}  |` +
      ` ${r.map((x) => String(x.numericalRank).padStart(2)).join(' ')} |` +
      `${s.d.align.layers.map((l) => f(l.cos, 4)).join('')} | ${f(s.d.align.total.cos, 4)} |` +
      `${s.d.bal.imbalance.map((v) => f(v, 3)).join('')} | ${f(s.nc.nc1, 3)} ${f(s.rich.dLR, 3)}`,
  );
}
