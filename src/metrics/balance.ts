// Norm preservation / balancedness across layers — formulas.md §9 (deep-linear literature: gradient flow
// conserves W_{l+1}ᵀW_{l+1} − W_l W_lᵀ; weight decay drives it to 0, Arora et al. 2018, Du et al. 2018).
// Shape convention: layout 'out-in' (default, PyTorch nn.Linear / ONNX Gemm): W_l is [out_l, in_l] and
// y = W_l x, so in_{l+1} = out_l and both Grams are out_l x out_l. Layout 'in-out' (Keras/tfjs kernels,
// y = x K_l): K_l = W_lᵀ is [in_l, out_l], and the same quantity is ‖K_{l+1}K_{l+1}ᵀ − K_lᵀK_l‖_F / ‖K_lᵀK_l‖_F.
import { fail } from '../errors.js';
import { ownOptions } from '../esd/args.js';
import { ldexp, ratio, representable, valueOf } from '../esd/scale.js';
import type { Matrix } from '../linalg/matrix.js';
import { dense, gramCols, gramRows, scaledCopy, sumSq } from './dense.js';
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

// Each layer is copied at the call and scaled by 2^-e_l (scaledCopy): the Grams of the scaled layers
// cannot overflow or underflow, and the exponents are put back exactly where the scale matters.
function* task(layers: readonly Matrix[], opts: BalancednessOptions | undefined, fn: string): Task<Balancedness> {
  const layout = checkLayout(ownOptions(opts, ['layout'], fn), fn);
  if (!Array.isArray(layers) || layers.length < 2) fail('E_SHAPE', `${fn}: needs a list of at least 2 layers`);
  const W = layers.map((m, i) => {
    const c = scaledCopy(dense(m, `${fn}: layers[${i}]`));
    return { ...outIn(c, layout), e: c.e };
  });
  for (let l = 0; l + 1 < W.length; l++)
    if (W[l + 1].cols !== W[l].rows)
      fail('E_SHAPE', `${fn}: layer ${l + 1} takes ${W[l + 1].cols} inputs but layer ${l} has ${W[l].rows} outputs (layout '${layout}')`);
  // ‖W_l‖_F² = Σw'² · 2^(2 e_l)
  const sq = W.map((w) => ({ m: sumSq(w.data), e: 2 * w.e }));
  const normsSq = sq.map((v, l) => valueOf(v, `normsSq[${l}] (‖W_${l}‖_F²)`, fn));
  const imbalance: number[] = [];
  for (let l = 0; l + 1 < W.length; l++) {
    if (sq[l].m === 0) fail('E_DEGENERATE', `${fn}: layer ${l} is zero, its imbalance is undefined`);
    const next = yield* gramCols(W[l + 1]); // W'_{l+1}ᵀ W'_{l+1} = 2^(-2a) W_{l+1}ᵀ W_{l+1}
    const prev = yield* gramRows(W[l]); // W'_l W'_lᵀ = 2^(-2b) W_l W_lᵀ
    // The difference at the larger of the two scales (the smaller term may underflow: it is negligible there).
    const a = 2 * W[l + 1].e;
    const b = 2 * W[l].e;
    const c = Math.max(a, b);
    let diff = 0;
    let ref = 0;
    for (let i = 0; i < prev.data.length; i++) {
      const d = ldexp(next.data[i], a - c) - ldexp(prev.data[i], b - c);
      diff += d * d;
      ref += prev.data[i] * prev.data[i];
    }
    imbalance.push(representable(ratio({ m: Math.sqrt(diff), e: c }, { m: Math.sqrt(ref), e: b }), `imbalance[${l}]`, fn));
  }
  // (max − min) / mean of normsSq, relative to the largest, so that it is defined whatever the scale.
  const top = sq.reduce((t, v) => (v.m > 0 ? Math.max(t, v.e) : t), -Infinity);
  if (top === -Infinity) fail('E_DEGENERATE', `${fn}: every layer is zero`);
  const rel = sq.map((v) => (v.m === 0 ? 0 : ldexp(v.m, v.e - top)));
  let [lo, hi, sum] = [Infinity, -Infinity, 0];
  for (const v of rel) [lo, hi, sum] = [Math.min(lo, v), Math.max(hi, v), sum + v];
  return { normsSq, normsSqSpread: (hi - lo) / (sum / rel.length), imbalance };
}

/** Per-layer squared norms, their spread, and the layer-to-layer imbalance (native ?syrk for the Grams). */
export function balancedness(layers: readonly Matrix[], opts?: BalancednessOptions): Promise<Balancedness> {
  return runAsync(task(layers, opts, 'balancedness'));
}
export function balancednessSync(layers: readonly Matrix[], opts?: BalancednessOptions): Balancedness {
  return runSync(task(layers, opts, 'balancednessSync'));
}
