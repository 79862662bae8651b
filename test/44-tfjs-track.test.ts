// weightscope/tfjs with the real @tensorflow/tfjs (pure JS, cpu backend): snapshots have the names, shapes and
// data of the same model saved with model.save and read back by the tfjs reader (Conv1D as kw slices, LSTM/GRU
// per gate); trackFit records every N epochs/batches from weights of that very step, without blocking fit.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { analyze, createTracker, gradientAlignment, openModel, svdvalsSync } from '../src/index.js';
import { snapshotModel, trackFit, KERAS_GATES } from '../src/tfjs/index.js';

tf.setBackend('cpu');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-tfjs-track-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** model.save through tfjs's own serialisation (weightSpecs + weightData), written as model.json + weights.bin. */
async function saveToDir(m: tf.LayersModel, dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  await m.save(tf.io.withSaveHandler(async (a) => {
    fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.from(a.weightData as ArrayBuffer));
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({
      format: a.format, modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
    }));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
}

function seqModel(): tf.Sequential {
  tf.util.seedrandom?.('1');
  const m = tf.sequential();
  m.add(tf.layers.conv1d({ name: 'conv1d_Conv1D1', inputShape: [10, 3], filters: 6, kernelSize: 3, kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }));
  m.add(tf.layers.lstm({ name: 'lstm_LSTM1', units: 5, returnSequences: true, kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }));
  m.add(tf.layers.gru({ name: 'gru_GRU1', units: 4, returnSequences: true, kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }) }));
  m.add(tf.layers.simpleRNN({ name: 'simple_rnn_SimpleRNN1', units: 7, kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }) }));
  m.add(tf.layers.dense({ name: 'dense_Dense1', units: 12, kernelInitializer: tf.initializers.glorotNormal({ seed: 5 }) }));
  m.add(tf.layers.dense({ name: 'dense_Dense2', units: 3, kernelInitializer: tf.initializers.glorotNormal({ seed: 6 }) }));
  return m;
}

/** Columns [c0, c0+w) of a row-major (r × c) array, transposed: the independent reference for the views. */
function block(d: ArrayLike<number>, r: number, c: number, c0: number, w: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < w; j++) for (let i = 0; i < r; i++) out.push(d[i * c + c0 + j]);
  return out;
}

describe('snapshotModel', () => {
  it('gives the names, shapes and data of the model saved and read back, and splits recurrent kernels per gate', async () => {
    const m = seqModel();
    const snap = await snapshotModel(m);
    const dir = path.join(tmp, 'seq');
    await saveToDir(m, dir);
    const r = await openModel(dir);
    const disk = new Map<string, { shape: number[]; data: Float32Array | Float64Array; kind: string }>();
    for await (const t of r) disk.set(t.name, t);
    expect(snap.weights.map((w) => w.name)).toEqual([...disk.keys()]);
    expect(snap.weights.map((w) => w.name)).toEqual([
      'conv1d_Conv1D1/kernel',
      ...['kernel', 'recurrent_kernel'].flatMap((k) => ['i', 'f', 'c', 'o'].map((g) => `lstm_LSTM1/${k}.${g}`)),
      ...['kernel', 'recurrent_kernel'].flatMap((k) => ['z', 'r', 'h'].map((g) => `gru_GRU1/${k}.${g}`)),
      'simple_rnn_SimpleRNN1/kernel', 'simple_rnn_SimpleRNN1/recurrent_kernel',
      'dense_Dense1/kernel', 'dense_Dense2/kernel',
    ]);
    for (const w of snap.weights) {
      const d = disk.get(w.name)!;
      expect(d.shape, w.name).toEqual([...w.W.shape]);
      expect(d.kind, w.name).toBe(w.kind);
      expect(Array.from(d.data), w.name).toEqual(Array.from(w.W.data));
    }
    expect(snap.skipped.map((s) => s.name)).toEqual(m.weights.filter((v) => v.shape.length === 1).map((v) => v.originalName));
    // against the stored tensors, indexed independently
    const stored = new Map(m.weights.map((v) => [v.originalName, v.read().dataSync()]));
    const conv = snap.weights[0];
    expect(conv).toMatchObject({ kind: 'conv2d', layout: 'hwio' });
    expect(conv.W.shape).toEqual([1, 3, 3, 6]);
    expect(Array.from(conv.W.data)).toEqual(Array.from(stored.get('conv1d_Conv1D1/kernel')!));
    const lstmK = stored.get('lstm_LSTM1/kernel')!; // (6, 4·5), keras gate blocks i, f, c, o
    KERAS_GATES.LSTM.forEach((g, gi) => {
      const w = snap.weights.find((x) => x.name === `lstm_LSTM1/kernel.${g}`)!;
      expect(w.W.shape).toEqual([5, 6]);
      expect(Array.from(w.W.data)).toEqual(block(lstmK, 6, 20, gi * 5, 5));
    });
    const gruR = stored.get('gru_GRU1/recurrent_kernel')!; // (4, 3·4): z, r, h
    const h = snap.weights.find((x) => x.name === 'gru_GRU1/recurrent_kernel.h')!;
    expect(Array.from(h.W.data)).toEqual(block(gruR, 4, 12, 8, 4));
    const dense = snap.weights.find((x) => x.name === 'dense_Dense1/kernel')!; // (7, 12) stored -> (12, 7)
    expect(dense.W.shape).toEqual([12, 7]);
    expect(Array.from(dense.W.data)).toEqual(block(stored.get('dense_Dense1/kernel')!, 7, 12, 0, 12));
  });

  it('analyze(model) in memory names, orients and splits as the same model saved and read back (no doubled names)', async () => {
    const m = seqModel();
    const dir = path.join(tmp, 'seq-analyze');
    await saveToDir(m, dir);
    const live = await analyze(m as never, { minEvals: 2 });
    const disk = await analyze(dir, { minEvals: 2 });
    expect(live.layers.map((l) => l.name)).toEqual(disk.layers.map((l) => l.name));
    expect(live.layers.some((l) => /dense_Dense1\/dense_Dense1/.test(l.name))).toBe(false);
    expect(live.layers.map((l) => l.name)).toContain('lstm_LSTM1/recurrent_kernel.f');
    live.layers.forEach((l, i) => {
      expect(l.lambdaMax, l.name).toBe(disk.layers[i].lambdaMax);
      expect(l.lambdaMax, l.name).toBeGreaterThan(0);
      expect(l.alpha, l.name).toBe(disk.layers[i].alpha);
    });
  });

  it('keras gate order is the order tfjs uses the blocks in (LSTM: a forget-gate-only kernel leaves c at 0)', async () => {
    // LSTM with zero input kernel except the f block, zero recurrent kernel and zero bias: i = o = sigmoid(0) = 0.5,
    // c = f·c0 + i·tanh(0) = 0, so h = 0 whatever the f block; putting the block at i or c instead changes h.
    const mk = (gate: number) => {
      const m = tf.sequential();
      m.add(tf.layers.lstm({ name: 'lstm_LSTM1', inputShape: [1, 2], units: 2, useBias: false, recurrentInitializer: 'zeros', kernelInitializer: 'zeros' }));
      const k = new Float32Array(2 * 8);
      for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) k[i * 8 + gate * 2 + j] = 3;
      m.layers[0].setWeights([tf.tensor2d(k, [2, 8]), tf.zeros([2, 8])]);
      return m;
    };
    const out = (m: tf.Sequential) => Array.from((m.predict(tf.ones([1, 1, 2])) as tf.Tensor).dataSync());
    const f = KERAS_GATES.LSTM.indexOf('f');
    const c = KERAS_GATES.LSTM.indexOf('c');
    expect(out(mk(f)).every((v) => v === 0)).toBe(true);
    expect(out(mk(c)).every((v) => Math.abs(v) > 0.1)).toBe(true);
    const snap = await snapshotModel(mk(f));
    const norms = new Map(snap.weights.map((w) => [w.name, Math.hypot(...w.W.data)]));
    expect(norms.get('lstm_LSTM1/kernel.f')).toBeCloseTo(6, 5);
    expect(norms.get('lstm_LSTM1/kernel.i')).toBe(0);
  });

  it("snapshots gradients (tf.variableGrads) in the weights' names and orientations; the tracker gives cos(W, ∇L)", async () => {
    const m = seqModel();
    const x = tf.randomNormal([4, 10, 3], 0, 1, 'float32', 11);
    const y = tf.randomNormal([4, 3], 0, 1, 'float32', 12);
    const { grads } = tf.variableGrads(() => tf.losses.meanSquaredError(y, m.apply(x) as tf.Tensor) as tf.Scalar);
    const snap = await snapshotModel(m, { gradients: grads });
    const v = m.weights.find((w) => w.originalName === 'dense_Dense1/kernel')!;
    const g = grads[v.name].dataSync();
    expect(Array.from(snap.gradients.get('dense_Dense1/kernel')!)).toEqual(block(g, 7, 12, 0, 12));
    const lstmG = grads[m.weights.find((w) => w.originalName === 'lstm_LSTM1/recurrent_kernel')!.name].dataSync();
    expect(Array.from(snap.gradients.get('lstm_LSTM1/recurrent_kernel.c')!)).toEqual(block(lstmG, 5, 20, 10, 5));
    const t = createTracker({ analyze: { minEvals: 2 } });
    const rec = await t.record(1, snap.weights, { gradients: snap.gradients });
    const W = v.read().dataSync();
    expect(rec.layers.find((l) => l.name === 'dense_Dense1/kernel')!.cosGrad).toBeCloseTo(gradientAlignment(Float64Array.from(W), Float64Array.from(g)).cos, 6);
  });

  it('weightscope/tfjs: require and import give the same names', () => {
    const names = (code: string, type: string) => spawnSync(process.execPath, ['--input-type=' + type, '-e', code], { encoding: 'utf8' }).stdout.trim();
    const esm = names("const m = await import('weightscope/tfjs'); console.log(Object.keys(m).filter((k) => k !== 'default' && k !== '__esModule').sort().join())", 'module');
    const cjs = names("console.log(Object.keys(require('weightscope/tfjs')).filter((k) => k !== '__esModule').sort().join())", 'commonjs');
    expect(esm).toBe('KERAS_GATES,snapshotModel,trackFit');
    expect(cjs).toBe(esm);
  });

  it('refuses what is not a tfjs model, with a typed error', async () => {
    await expect(snapshotModel({ layers: [{}] } as never)).rejects.toMatchObject({ code: 'E_OPTION' });
    expect(() => trackFit({} as never)).toThrow(expect.objectContaining({ code: 'E_OPTION' }));
    expect(() => trackFit(seqModel(), { every: 0 })).toThrow(expect.objectContaining({ code: 'E_OPTION' }));
  });
});

describe('trackFit', () => {
  const data = () => {
    const x = tf.randomNormal([32, 10, 3], 0, 1, 'float32', 7);
    const y = tf.randomNormal([32, 3], 0, 1, 'float32', 8);
    return { x, y };
  };

  it('records every epoch from the weights of that epoch end, returns from the hooks at once, and keeps a history', async () => {
    const m = seqModel();
    m.compile({ optimizer: tf.train.adam(0.05), loss: 'meanSquaredError' });
    const file = path.join(tmp, 'fit.jsonl');
    const t = trackFit(m, { path: file, analyze: { minEvals: 2 } });
    const copies: Map<string, Float32Array>[] = [];
    const returned: unknown[] = [];
    const probe = {
      onEpochEnd: async () => {
        // runs after trackFit's hook, before the next batch: the weights trackFit must have snapshotted
        copies.push(new Map(m.weights.map((v) => [v.originalName, v.read().dataSync().slice()])));
      },
    };
    const hooked = { ...t, onEpochEnd: (e: number, l?: Record<string, number>) => void returned.push(t.onEpochEnd(e, l)) };
    const { x, y } = data();
    await m.fit(x, y, { epochs: 3, batchSize: 8, callbacks: [hooked, probe], verbose: 0 });
    expect(returned).toEqual([undefined, undefined, undefined]); // nothing for fit to wait on
    const hist = await t.done();
    expect(hist.map((r) => r.step)).toEqual([1, 2, 3]);
    expect(hist.map((r) => r.meta?.epoch)).toEqual([1, 2, 3]);
    const sn = (r: (typeof hist)[number], name: string) => r.layers.find((l) => l.name === name)!.spectralNorm!;
    hist.forEach((rec, e) => {
      // spectral_norm is λ_max = σ_max² (WeightWatcher's), checked against the SVD of that epoch's copy
      const dk = copies[e].get('dense_Dense1/kernel')!;
      const s = svdvalsSync({ data: Float64Array.from(dk), shape: [7, 12] });
      expect(sn(rec, 'dense_Dense1/kernel')).toBeCloseTo(s[0] ** 2, 4);
      const gk = Float64Array.from(block(copies[e].get('gru_GRU1/kernel')!, 5, 12, 4, 4));
      expect(sn(rec, 'gru_GRU1/kernel.r')).toBeCloseTo(svdvalsSync({ data: gk, shape: [4, 5] })[0] ** 2, 4);
    });
    // the weights moved between epochs, so matching each epoch's copy is a real check
    expect(Math.abs(sn(hist[0], 'dense_Dense1/kernel') - sn(hist[2], 'dense_Dense1/kernel'))).toBeGreaterThan(1e-3);
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.step)).toEqual([1, 2, 3]);
    expect(lines[2].layers.find((l: { name: string }) => l.name === 'dense_Dense1/kernel').spectral_norm).toBe(sn(hist[2], 'dense_Dense1/kernel'));
    t.tracker.close();
  });

  it('counts batches across epochs with unit batch, and records step 0 with atStart', async () => {
    const m = seqModel();
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const t = trackFit(m, { unit: 'batch', every: 3, atStart: true, analyze: { minEvals: 2, layers: /dense/ } });
    const { x, y } = data();
    await m.fit(x, y, { epochs: 2, batchSize: 8, callbacks: t, verbose: 0 }); // 4 batches per epoch
    await t.done();
    expect(t.history.map((r) => r.step)).toEqual([0, 3, 6]);
    expect(t.history[2].meta).toMatchObject({ epoch: 1, batch: 1 });
    expect(t.history[1].layers.map((l) => l.name)).toEqual(['dense_Dense1/kernel', 'dense_Dense2/kernel']);
  });
});
