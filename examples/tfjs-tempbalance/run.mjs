#!/usr/bin/env node
// TempBalance in tfjs: a small MLP is trained on seeded synthetic data with a hand-written loop. After every
// epoch weightscope snapshots all weights (snapshotModel) and a Tracker records alpha and stable_rank per layer
// (printed, and appended to tempbalance.jsonl); tempBalance() turns the alphas into per-layer learning rates
// (higher alpha, less trained: larger lr). tfjs has no per-layer learning rate, so each layer's gradients are
// scaled by lr_l / lr before optimizer.applyGradients (for SGD this is exactly a per-layer lr). Exits 1 unless
// the loss fell and the learning rates were actually spread across layers.
//
//   npx tsc -p src/tsconfig.json && node examples/tfjs-tempbalance/run.mjs [--epochs 6] [--out tempbalance.jsonl]
import * as tf from '@tensorflow/tfjs';
import { createTracker, tempBalance } from '../../dist/index.js';
import { snapshotModel } from '../../dist/tfjs/index.js';

const arg = (k, d) => (process.argv.includes(k) ? process.argv[process.argv.indexOf(k) + 1] : d);
const epochs = Number(arg('--epochs', 6));
const out = arg('--out', 'tempbalance.jsonl');
await tf.setBackend('cpu');

// data: 10 classes, labels from a random linear teacher on 64-d Gaussian inputs
const X = tf.randomNormal([1024, 64], 0, 1, 'float32', 1);
const teacher = tf.randomNormal([64, 10], 0, 1, 'float32', 2);
const Y = tf.oneHot(tf.argMax(tf.matMul(X, teacher), 1), 10).toFloat();

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'fc1', inputShape: [64], units: 128, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 3 }) }));
model.add(tf.layers.dense({ name: 'fc2', units: 128, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 4 }) }));
model.add(tf.layers.dense({ name: 'fc3', units: 128, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 5 }) }));
model.add(tf.layers.dense({ name: 'fc4', units: 10, kernelInitializer: tf.initializers.heNormal({ seed: 6 }) }));

const lr = 0.05;
const optimizer = tf.train.sgd(lr);
const tracker = createTracker({ path: out, analyze: { minEvals: 10 } });
const lossOf = (x, y) => tf.losses.softmaxCrossEntropy(y, model.apply(x));
// the layer of each trainable variable (gradients are keyed by the variable's unique name)
const layerOf = new Map(model.layers.flatMap((l) => l.trainableWeights.map((v) => [v.name, l.name])));
let factor = new Map(model.layers.map((l) => [l.name, 1]));
const losses = [];
const spreads = [];

for (let epoch = 1; epoch <= epochs; epoch++) {
  for (let b = 0; b < 1024; b += 64) {
    const [x, y] = [X.slice([b, 0], [64, 64]), Y.slice([b, 0], [64, 10])];
    const { value, grads } = optimizer.computeGradients(() => lossOf(x, y));
    const scaled = {};
    for (const [name, g] of Object.entries(grads)) scaled[name] = g.mul(factor.get(layerOf.get(name)) ?? 1);
    optimizer.applyGradients(scaled);
    tf.dispose([x, y, value, ...Object.values(grads), ...Object.values(scaled)]);
  }
  const loss = tf.tidy(() => lossOf(X, Y).dataSync()[0]);
  losses.push(loss);
  // one snapshot of every weight at this step, then the spectra
  const snap = await snapshotModel(model);
  const rec = await tracker.record(epoch, snap.weights, { meta: { loss } });
  const lrs = tempBalance(rec.layers.map((l) => ({ name: l.name, alpha: l.alpha ?? NaN, numEvals: Math.min(...snap.weights.find((w) => w.name === l.name).W.shape) })), lr, { minEvals: 10 });
  factor = new Map(lrs.map((l) => [l.name.split('/')[0], l.lr / lr]));
  const f = [...factor.values()];
  spreads.push(Math.max(...f) - Math.min(...f));
  console.log(`epoch ${epoch} loss ${loss.toFixed(4)}  ` + rec.layers.map((l, i) => `${l.name} alpha ${l.alpha?.toFixed(2) ?? 'n/a'} srank ${l.stableRank?.toFixed(1)} lr ${lrs[i].lr.toFixed(4)}`).join(' | '));
}
tracker.close();
const checks = [
  ['loss fell', losses[losses.length - 1] < 0.8 * losses[0]],
  ['per-layer learning rates spread (TempBalance applied)', spreads.some((s) => s > 0.05)],
];
for (const [what, pass] of checks) console.log(`${pass ? 'ok  ' : 'FAIL'} ${what}`);
console.log(`records appended to ${out}`);
process.exit(checks.every(([, p]) => p) ? 0 : 1);
