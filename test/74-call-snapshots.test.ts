// Issue 19 item 6: an async metric that makes several native calls reads its inputs once, at the call.
// Each entry point is started, then the caller's buffers are overwritten — or transferred, which detaches
// them — before it settles; the result must equal the Sync form on the original data (cosines [1, 1, 0.90]
// became [0.36, 0.17, 0.01] before, and a transfer rejected with E_DETACHED).
import { describe, expect, it } from 'vitest';
import {
  balancedness,
  balancednessSync,
  esd,
  esdSync,
  inputOrthogonality,
  inputOrthogonalitySync,
  layerAlignment,
  layerAlignmentSync,
  neuralCollapse,
  neuralCollapseSync,
  principalAngles,
  principalAnglesSync,
  rankReport,
  rankReportSync,
  richness,
  richnessSync,
  subspaceOverlap,
  subspaceOverlapSync,
  type Matrix,
} from '../src/index.js';
import { randn } from './helpers/metrics.js';

const copy = (m: Matrix): Matrix => ({ data: (m.data as Float64Array).slice(), shape: m.shape });
const clobber = (ms: Matrix[]) => ms.forEach((m) => (m.data as Float64Array).fill(7.25));
const transfer = (ms: Matrix[]) => ms.forEach((m) => structuredClone(m.data.buffer, { transfer: [m.data.buffer as ArrayBuffer] }));

interface Entry {
  name: string;
  inputs: () => Matrix[];
  run: (ms: Matrix[]) => Promise<unknown>;
  sync: (ms: Matrix[]) => unknown;
}

const H = () => randn(12, 3, 31);
const labels = Array.from({ length: 12 }, (_, i) => i % 3);
const ENTRIES: Entry[] = [
  { name: 'principalAngles', inputs: () => [randn(8, 4, 1), randn(8, 4, 2)], run: ([a, b]) => principalAngles(a, b, { k: 3 }), sync: ([a, b]) => principalAnglesSync(a, b, { k: 3 }) },
  { name: 'subspaceOverlap', inputs: () => [randn(8, 4, 3), randn(8, 4, 4)], run: ([a, b]) => subspaceOverlap(a, b), sync: ([a, b]) => subspaceOverlapSync(a, b) },
  { name: 'layerAlignment', inputs: () => [randn(6, 4, 5), randn(3, 6, 6)], run: ([a, b]) => layerAlignment(a, b, { k: 2 }), sync: ([a, b]) => layerAlignmentSync(a, b, { k: 2 }) },
  { name: 'balancedness', inputs: () => [randn(5, 4, 7), randn(3, 5, 8), randn(2, 3, 9)], run: (ms) => balancedness(ms), sync: (ms) => balancednessSync(ms) },
  { name: 'inputOrthogonality', inputs: () => [randn(6, 4, 10), randn(5, 4, 11)], run: ([a, b]) => inputOrthogonality(a, b), sync: ([a, b]) => inputOrthogonalitySync(a, b) },
  { name: 'neuralCollapse (H and W)', inputs: () => [H(), randn(3, 3, 32)], run: ([h, W]) => neuralCollapse(h, labels, { W }), sync: ([h, W]) => neuralCollapseSync(h, labels, { W }) },
  { name: 'richness', inputs: () => [H(), randn(12, 2, 33)], run: ([f, o]) => richness(f, o, { labels }), sync: ([f, o]) => richnessSync(f, o, { labels }) },
  { name: 'rankReport', inputs: () => [randn(7, 5, 12)], run: ([a]) => rankReport(a), sync: ([a]) => rankReportSync(a) },
  {
    name: "esd(method: 'gram') on an hwio conv2d kernel (one native call per slice, slices are views)",
    inputs: () => [{ data: randn(1, 3 * 3 * 5 * 4, 13).data, shape: [3, 3, 5, 4] as never }],
    run: ([w]) => esd(w as never, { method: 'gram', minEvals: 1 }),
    sync: ([w]) => esdSync(w as never, { method: 'gram', minEvals: 1 }),
  },
];

describe('multi-step async metrics snapshot their inputs at the call', () => {
  for (const e of ENTRIES) {
    it(`${e.name}: overwriting the inputs after the call changes nothing`, async () => {
      const ms = e.inputs();
      const want = e.sync(ms.map(copy));
      const p = e.run(ms);
      clobber(ms);
      expect(await p).toEqual(want);
    });
    it(`${e.name}: transferring (detaching) the inputs after the call changes nothing`, async () => {
      const ms = e.inputs();
      const want = e.sync(ms.map(copy));
      const p = e.run(ms);
      transfer(ms);
      expect(ms[0].data.length).toBe(0); // detached
      expect(await p).toEqual(want);
    });
  }
  it('neuralCollapse: labels and the bias are read at the call too', async () => {
    const h = H();
    const W = randn(3, 3, 32);
    const ls = labels.slice();
    const b = [0.1, -0.2, 0.3];
    const huge = [1e6, -1e6, -1e6]; // would send every sample to class 0
    const want = neuralCollapseSync(h, ls.slice(), { W, b: b.slice() });
    const p = neuralCollapse(h, ls, { W, b });
    ls.fill(0);
    b.splice(0, 3, ...huge);
    expect(await p).toEqual(want);
  });
});
