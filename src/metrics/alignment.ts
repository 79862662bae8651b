// Parameter–gradient alignment — formulas.md §9 (Kuzborskij & Abbasi-Yadkori 2025).
// At a stationary point of gradient descent with weight decay λ_wd, ∇L = −λ_wd W, so cos(W, ∇L) → −1,
// per layer and for the whole parameter vector. Pure TypeScript (dot products), so only a sync form.
import type { FloatArray } from '../binding.js';
import { fail } from '../errors.js';
import type { Matrix } from '../linalg/matrix.js';
import { checkOptions } from '../linalg/options.js';
import { dense } from './dense.js';

/** A weight or its gradient: a Matrix, or a flat Float32Array/Float64Array (biases). */
export type Param = Matrix | FloatArray;

export interface GradientAlignmentOptions {
  /** λ_wd: also report the stationarity residual ‖G + λ_wd W‖_F / ‖G‖_F (0 at a stationary point). */
  weightDecay?: number;
}

export interface GradientAlignment {
  /** ⟨W, G⟩_F / (‖W‖_F ‖G‖_F), in [−1, 1]. */
  cos: number;
  /** ‖G + λ_wd W‖_F / ‖G‖_F, when weightDecay was given. */
  residual?: number;
  normW: number;
  normG: number;
}

export interface LayerGradientAlignment {
  /** null where W or G is zero (cosine undefined), e.g. a zero-initialised bias. */
  cos: number | null;
  /** null where G is zero. */
  residual?: number | null;
  normW: number;
  normG: number;
}

export interface ModelGradientAlignment {
  layers: LayerGradientAlignment[];
  /** The same quantities for the concatenation of all parameters. */
  total: GradientAlignment;
}

function flat(p: unknown, what: string): FloatArray {
  if (p instanceof Float32Array || p instanceof Float64Array) {
    for (let i = 0; i < p.length; i++)
      if (!Number.isFinite(p[i])) fail('E_NONFINITE', `${what} has a non-finite entry at index ${i}`);
    return p;
  }
  return dense(p, what).data;
}

function shapeOf(p: Param): string {
  return 'shape' in p ? `[${p.shape[0]}, ${p.shape[1]}]` : `length ${p.length}`;
}

interface Sums {
  wg: number;
  ww: number;
  gg: number;
  rr: number;
}

function sums(W: Param, G: Param, lambda: number, what: string): Sums {
  const w = flat(W, `${what} W`);
  const g = flat(G, `${what} G`);
  if (w.length !== g.length || ('shape' in W && 'shape' in G && (W.shape[0] !== G.shape[0] || W.shape[1] !== G.shape[1])))
    fail('E_SHAPE', `${what}: W is ${shapeOf(W)} but G is ${shapeOf(G)}`);
  const s = { wg: 0, ww: 0, gg: 0, rr: 0 };
  for (let i = 0; i < w.length; i++) {
    const a = w[i];
    const b = g[i];
    s.wg += a * b;
    s.ww += a * a;
    s.gg += b * b;
    const r = b + lambda * a;
    s.rr += r * r;
  }
  return s;
}

function checkLambda(opts: GradientAlignmentOptions | undefined, fn: string): number | undefined {
  const o = checkOptions(opts, ['weightDecay'], fn);
  const l = o.weightDecay;
  if (l !== undefined && (typeof l !== 'number' || !Number.isFinite(l) || l < 0))
    fail('E_OPTION', `${fn}: weightDecay must be a finite number >= 0, got ${l}`);
  return l;
}

function finish(s: Sums, lambda: number | undefined, what: string): GradientAlignment {
  if (s.ww === 0) fail('E_DEGENERATE', `${what}: W is zero, the cosine is undefined`);
  if (s.gg === 0) fail('E_DEGENERATE', `${what}: G is zero, the cosine is undefined`);
  const out: GradientAlignment = {
    // Clamp: rounding can push |cos| a hair past 1 for exactly (anti)parallel W and G.
    cos: Math.max(-1, Math.min(1, s.wg / Math.sqrt(s.ww * s.gg))),
    normW: Math.sqrt(s.ww),
    normG: Math.sqrt(s.gg),
  };
  if (lambda !== undefined) out.residual = Math.sqrt(s.rr / s.gg);
  return out;
}

/** cos(W, G) for one layer; with `weightDecay`, also the stationarity residual. */
export function gradientAlignment(W: Param, G: Param, opts?: GradientAlignmentOptions): GradientAlignment;
/** Per layer and for the whole parameter vector (lists of equal length, matching shapes). */
export function gradientAlignment(
  W: readonly Param[],
  G: readonly Param[],
  opts?: GradientAlignmentOptions,
): ModelGradientAlignment;
export function gradientAlignment(
  W: Param | readonly Param[],
  G: Param | readonly Param[],
  opts?: GradientAlignmentOptions,
): GradientAlignment | ModelGradientAlignment {
  const lambda = checkLambda(opts, 'gradientAlignment');
  const l = lambda ?? 0;
  if (!Array.isArray(W) && !Array.isArray(G))
    return finish(sums(W as Param, G as Param, l, 'gradientAlignment'), lambda, 'gradientAlignment');
  if (!Array.isArray(W) || !Array.isArray(G))
    fail('E_SHAPE', 'gradientAlignment: W and G must both be single parameters or both be lists');
  if (W.length !== G.length || W.length === 0)
    fail('E_SHAPE', `gradientAlignment: ${W.length} weights but ${G.length} gradients (need >= 1 each)`);
  const total = { wg: 0, ww: 0, gg: 0, rr: 0 };
  const layers = W.map((w: Param, i: number): LayerGradientAlignment => {
    const s = sums(w, G[i] as Param, l, `gradientAlignment[${i}]`);
    total.wg += s.wg;
    total.ww += s.ww;
    total.gg += s.gg;
    total.rr += s.rr;
    const layer: LayerGradientAlignment = {
      cos: s.ww > 0 && s.gg > 0 ? Math.max(-1, Math.min(1, s.wg / Math.sqrt(s.ww * s.gg))) : null,
      normW: Math.sqrt(s.ww),
      normG: Math.sqrt(s.gg),
    };
    if (lambda !== undefined) layer.residual = s.gg > 0 ? Math.sqrt(s.rr / s.gg) : null;
    return layer;
  });
  return { layers, total: finish(total, lambda, 'gradientAlignment (all parameters)') };
}
