// Parameter–gradient alignment — formulas.md §9 (Kuzborskij & Abbasi-Yadkori 2025).
// At a stationary point of gradient descent with weight decay λ_wd, ∇L = −λ_wd W, so cos(W, ∇L) → −1,
// per layer and for the whole parameter vector. Pure TypeScript (dot products), so only a sync form.
import type { FloatArray } from '../binding.js';
import { fail } from '../errors.js';
import { isFloatArray, ownOptions } from '../esd/args.js';
import { exponentOf, hypotScaled, ldexp, ldexpFast, norm2, ratio, representable, valueOf, type Scaled } from '../esd/scale.js';
import type { Matrix } from '../linalg/matrix.js';
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
  if (isFloatArray(p)) {
    for (let i = 0; i < p.length; i++)
      if (!Number.isFinite(p[i])) fail('E_NONFINITE', `${what} has a non-finite entry at index ${i}`);
    return p;
  }
  if (ArrayBuffer.isView(p)) fail('E_DTYPE', `${what} must be a Matrix or a Float32Array/Float64Array`);
  return dense(p, what).data;
}

function shapeOf(p: Param): string {
  return isFloatArray(p) ? `length ${p.length}` : `[${p.shape[0]}, ${p.shape[1]}]`;
}

// Everything is kept as scaled values m·2^e (esd/scale.ts): at W ≈ 1e200, ‖W‖² overflows and the cosine
// computed from it came out 0. The cosine is a dot product of the two vectors each scaled to max 1.
interface Sums {
  /** ⟨W, G⟩ = dot · 2^(W.e + G.e) */
  dot: number;
  W: Scaled;
  G: Scaled;
  /** ‖G + λW‖ */
  R: Scaled;
}

function sums(W: Param, G: Param, lambda: number, what: string): Sums {
  const w = flat(W, `${what} W`);
  const g = flat(G, `${what} G`);
  if (w.length !== g.length || (!isFloatArray(W) && !isFloatArray(G) && (W.shape[0] !== G.shape[0] || W.shape[1] !== G.shape[1])))
    fail('E_SHAPE', `${what}: W is ${shapeOf(W)} but G is ${shapeOf(G)}`);
  const nw = norm2(w);
  const ng = norm2(g);
  let dot = 0;
  for (let i = 0; i < w.length; i++) dot += ldexpFast(w[i], -nw.e) * ldexpFast(g[i], -ng.e);
  return { dot, W: nw, G: ng, R: residualNorm(w, g, lambda, nw.e, ng.e) };
}

/** ‖g + λw‖ with every term scaled by 2^-eR, eR the exponent of the larger of max|g| and λ·max|w|. */
function residualNorm(w: FloatArray, g: FloatArray, lambda: number, ew: number, eg: number): Scaled {
  if (lambda === 0) return norm2(g);
  const el = exponentOf(lambda);
  const eR = Math.max(eg, el + ew);
  const cl = ldexp(lambda, -el); // in [0.5, 1)
  let s = 0;
  for (let i = 0; i < w.length; i++) {
    const r = ldexp(g[i], -eR) + cl * ldexp(ldexpFast(w[i], -ew), el + ew - eR);
    s += r * r;
  }
  return { m: Math.sqrt(s), e: eR };
}

function checkLambda(opts: GradientAlignmentOptions | undefined, fn: string): number | undefined {
  const o = ownOptions(opts, ['weightDecay'], fn);
  const l = o.weightDecay;
  if (l !== undefined && (typeof l !== 'number' || !Number.isFinite(l) || l < 0))
    fail('E_OPTION', `${fn}: weightDecay must be a finite number >= 0, got ${l}`);
  return l;
}

function cosOf(s: Sums): number {
  // Clamp: rounding can push |cos| a hair past 1 for exactly (anti)parallel W and G.
  return Math.max(-1, Math.min(1, s.dot / (s.W.m * s.G.m)));
}

function finish(s: Sums, lambda: number | undefined, what: string): GradientAlignment {
  if (s.W.m === 0) fail('E_DEGENERATE', `${what}: W is zero, the cosine is undefined`);
  if (s.G.m === 0) fail('E_DEGENERATE', `${what}: G is zero, the cosine is undefined`);
  const out: GradientAlignment = {
    cos: cosOf(s),
    normW: valueOf(s.W, '‖W‖_F', what),
    normG: valueOf(s.G, '‖G‖_F', what),
  };
  if (lambda !== undefined) out.residual = representable(ratio(s.R, s.G), 'the residual ‖G + λW‖_F / ‖G‖_F', what);
  return out;
}

/** Sums of several layers: the norms combine as sqrt(Σ‖·‖²), the dot products at a common exponent. */
function combine(parts: Sums[]): Sums {
  const W = hypotScaled(parts.map((p) => p.W));
  const G = hypotScaled(parts.map((p) => p.G));
  let dot = 0;
  for (const p of parts) if (p.W.m > 0 && p.G.m > 0) dot += ldexp(p.dot, p.W.e + p.G.e - W.e - G.e);
  return { dot, W, G, R: hypotScaled(parts.map((p) => p.R)) };
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
  const parts: Sums[] = [];
  const layers = W.map((w: Param, i: number): LayerGradientAlignment => {
    const what = `gradientAlignment[${i}]`;
    const s = sums(w, G[i] as Param, l, what);
    parts.push(s);
    const layer: LayerGradientAlignment = {
      cos: s.W.m > 0 && s.G.m > 0 ? cosOf(s) : null,
      normW: valueOf(s.W, '‖W‖_F', what),
      normG: valueOf(s.G, '‖G‖_F', what),
    };
    if (lambda !== undefined) layer.residual = s.G.m > 0 ? representable(ratio(s.R, s.G), 'the residual', what) : null;
    return layer;
  });
  return { layers, total: finish(combine(parts), lambda, 'gradientAlignment (all parameters)') };
}
