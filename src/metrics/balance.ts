// Norm preservation / balancedness across layers — formulas.md §9 (deep-linear literature: gradient flow
// conserves W_{l+1}ᵀW_{l+1} − W_l W_lᵀ; weight decay drives it to 0, Arora et al. 2018, Du et al. 2018).
// Shape convention: layout 'out-in' (default, PyTorch nn.Linear / ONNX Gemm): W_l is [out_l, in_l] and
// y = W_l x, so in_{l+1} = out_l and both Grams are out_l x out_l. Layout 'in-out' (Keras/tfjs kernels,
// y = x K_l): K_l = W_lᵀ is [in_l, out_l], and the same quantity is ‖K_{l+1}K_{l+1}ᵀ − K_lᵀK_l‖_F / ‖K_lᵀK_l‖_F.
import { fail } from '../errors.js';
import type { Matrix } from '../linalg/matrix.js';
import { checkOptions } from '../linalg/options.js';
import { dense, gramCols, gramRows, sumSq } from './dense.js';
import { checkLayout, outIn, type Layout } from './layout.js';
import { runAsync, runSync, type Task } from './task.js';

export interface BalancednessOptions {
  /** 'out-in' (default): W_l is [out, in], y = W x. 'in-out': kernels [in, out], y = x K. */
  layout?: Layout;
}

export interface Balancedness {
  /** ‖W_l‖_F² per layer. */
  normsSq: number[];
  /** (max − min) / mean of normsSq: 0 when every layer carries the same squared norm. */
  normsSqSpread: number;
  /** ‖W_{l+1}ᵀW_{l+1} − W_l W_lᵀ‖_F / ‖W_l W_lᵀ‖_F for l = 0..L−2 (out-in convention). */
  imbalance: number[];
}

function* task(layers: readonly Matrix[], opts: BalancednessOptions | undefined, fn: string): Task<Balancedness> {
  const layout = checkLayout(checkOptions(opts, ['layout'], fn), fn);
  if (!Array.isArray(layers) || layers.length < 2) fail('E_SHAPE', `${fn}: needs a list of at least 2 layers`);
  const W = layers.map((m, i) => outIn(dense(m, `layers[${i}]`), layout));
  for (let l = 0; l + 1 < W.length; l++)
    if (W[l + 1].cols !== W[l].rows)
      fail('E_SHAPE', `${fn}: layer ${l + 1} takes ${W[l + 1].cols} inputs but layer ${l} has ${W[l].rows} outputs (layout '${layout}')`);
  const normsSq = W.map((w) => sumSq(w.data));
  const imbalance: number[] = [];
  for (let l = 0; l + 1 < W.length; l++) {
    const next = yield* gramCols(W[l + 1]); // W_{l+1}ᵀ W_{l+1}
    const prev = yield* gramRows(W[l]); // W_l W_lᵀ
    let diff = 0;
    let ref = 0;
    for (let i = 0; i < prev.data.length; i++) {
      const d = next.data[i] - prev.data[i];
      diff += d * d;
      ref += prev.data[i] * prev.data[i];
    }
    if (ref === 0) fail('E_DEGENERATE', `${fn}: layer ${l} is zero, its imbalance is undefined`);
    imbalance.push(Math.sqrt(diff / ref));
  }
  const mean = normsSq.reduce((a, b) => a + b, 0) / normsSq.length;
  if (mean === 0) fail('E_DEGENERATE', `${fn}: every layer is zero`);
  return { normsSq, normsSqSpread: (Math.max(...normsSq) - Math.min(...normsSq)) / mean, imbalance };
}

/** Per-layer squared norms, their spread, and the layer-to-layer imbalance (native ?syrk for the Grams). */
export function balancedness(layers: readonly Matrix[], opts?: BalancednessOptions): Promise<Balancedness> {
  return runAsync(task(layers, opts, 'balancedness'));
}
export function balancednessSync(layers: readonly Matrix[], opts?: BalancednessOptions): Balancedness {
  return runSync(task(layers, opts, 'balancednessSync'));
}
