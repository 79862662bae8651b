// LoRA / PEFT adapters (adapter_model.safetensors + adapter_config.json, as peft's save_pretrained writes
// them): per target module ΔW = s·B·A with B (out × r), A (r × in) and s = lora_alpha / r (use_rslora:
// lora_alpha / √r; rank_pattern / alpha_pattern override r and alpha per module, as peft matches them: the
// module name is the key or ends with '.' + key). The singular values of ΔW never need the (out × in) product:
// B = Q_B R_B and Aᵀ = Q_A R_A (Householder, O((out + in)·r²)), so ΔW = s·Q_B (R_B R_Aᵀ) Q_Aᵀ and
// σ(ΔW) = |s|·σ(R_B R_Aᵀ), an r × r SVD. With the base model, each module's W is read and W + ΔW analysed
// (alpha, stable_rank), so the adapter's effect on the ESD shows next to the base's.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fail } from '../errors.js';
import { svdvalsSync } from '../linalg/svd.js';
import { analyzeMatrix } from '../metrics/heavytail/index.js';
import { openModel } from '../model/reader.js';
import type { ModelReader } from '../model/types.js';

export interface LoraModule {
  /** The target module, as in the base model ('model.layers.0.self_attn.q_proj'). */
  module: string;
  /** The base weight it changes ('<module>.weight'). */
  baseName: string;
  r: number;
  loraAlpha: number;
  /** s: lora_alpha / r, or lora_alpha / √r with use_rslora. */
  scale: number;
  /** Shape of ΔW in the base weight's orientation (out, in). */
  shape: [number, number];
  /** σ(ΔW), descending (min(r, out, in) values; the rest are 0). */
  singularValues: Float64Array;
  /** ‖ΔW‖_F and σ_max(ΔW). */
  norm: number;
  spectralNorm: number;
  /** ‖ΔW‖_F² / σ_max². */
  stableRank: number;
  /** Base weight and merged W + ΔW, when the base was given. */
  base?: { relDelta: number; alpha: number | null; alphaMerged: number | null; dAlpha: number | null; stableRank: number; stableRankMerged: number };
  notes: string[];
}

export interface LoraReport {
  adapter: string;
  config: { r: number; loraAlpha: number; useRslora: boolean; targetModules: unknown; peftType: string };
  modules: LoraModule[];
  /** Tensors of the adapter file that are not LoRA A/B pairs (with the reason). */
  skipped: { name: string; reason: string }[];
}

export interface LoraOptions {
  /** The base model (file or folder any reader opens): adds W + ΔW's analysis per module. */
  base?: string;
  /** Fewer eigenvalues than this: no alpha for the merged weights (default 10). */
  minEvals?: number;
}

/** The k × r upper-trapezoidal R of the QR of a (len × r) matrix given as r columns (Householder, float64). */
export function qrR(cols: Float64Array[], len: number): Float64Array {
  const r = cols.length;
  const k = Math.min(len, r);
  const c = cols.map((x) => Float64Array.from(x));
  const R = new Float64Array(k * r);
  for (let j = 0; j < k; j++) {
    const x = c[j];
    let nrm = 0;
    for (let i = j; i < len; i++) nrm = Math.hypot(nrm, x[i]);
    const alpha = x[j] > 0 ? -nrm : nrm;
    // v = x[j:] − alpha·e_1; H = I − 2vvᵀ/(vᵀv) maps x[j:] to alpha·e_1
    const v = x.slice(j);
    v[0] -= alpha;
    let vv = 0;
    for (let i = 0; i < v.length; i++) vv += v[i] * v[i];
    for (let q = j; q < r; q++) {
      const y = c[q];
      if (vv > 0) {
        let dot = 0;
        for (let i = 0; i < v.length; i++) dot += v[i] * y[j + i];
        const f = (2 * dot) / vv;
        for (let i = 0; i < v.length; i++) y[j + i] -= f * v[i];
      }
      R[j * r + q] = y[j];
    }
  }
  return R;
}

const num = (v: number) => (Number.isFinite(v) ? v : null);

/** peft's pattern rule: a key applies to a module whose name is the key or ends with '.' + key. */
function patternValue(patterns: unknown, module: string): number | undefined {
  if (!patterns || typeof patterns !== 'object') return undefined;
  for (const [k, v] of Object.entries(patterns as Record<string, unknown>)) {
    if ((module === k || module.endsWith(`.${k}`)) && typeof v === 'number') return v;
  }
  return undefined;
}

function files(adapter: string): { weights: string; config: string } {
  if (existsSync(adapter) && statSync(adapter).isDirectory()) {
    const st = join(adapter, 'adapter_model.safetensors');
    if (!existsSync(st)) fail('E_FORMAT', `${adapter}: no adapter_model.safetensors (PEFT's .bin adapters are not read)`);
    return { weights: st, config: join(adapter, 'adapter_config.json') };
  }
  return { weights: adapter, config: join(dirname(adapter), 'adapter_config.json') };
}

/** The module of a PEFT key: 'base_model.model.<module>.lora_A[.<adapter>].weight' → module and side. */
function parseKey(name: string): { module: string; side: 'A' | 'B'; embedding: boolean } | undefined {
  const m = /^(?:base_model\.model\.)?(.+)\.lora_(embedding_)?([AB])(?:\.[^.]+)?(?:\.weight)?$/.exec(name);
  if (!m) return undefined;
  return { module: m[1], side: m[3] as 'A' | 'B', embedding: !!m[2] };
}

/** Analyses a LoRA/PEFT adapter; see the file comment. */
export async function loraAdapter(adapter: string, opts: LoraOptions = {}): Promise<LoraReport> {
  if (typeof adapter !== 'string' || adapter === '') fail('E_OPTION', `loraAdapter: adapter must be a path (the adapter folder or its .safetensors), got ${typeof adapter}`);
  if (opts === null || typeof opts !== 'object') fail('E_OPTION', 'loraAdapter: options must be an object');
  for (const k of Object.keys(opts)) if (k !== 'base' && k !== 'minEvals') fail('E_OPTION', `loraAdapter: unknown option '${k}' (allowed: base, minEvals)`);
  const f = files(adapter);
  if (!existsSync(f.config)) fail('E_FORMAT', `${adapter}: adapter_config.json not found next to the weights (it holds r and lora_alpha)`);
  let cfg: Record<string, unknown>;
  try {
    cfg = JSON.parse(readFileSync(f.config, 'utf8'));
  } catch (e) {
    return fail('E_FORMAT', `${f.config}: not JSON (${(e as Error).message})`);
  }
  const peftType = String(cfg.peft_type ?? 'LORA');
  if (peftType !== 'LORA') fail('E_FORMAT', `${f.config}: peft_type ${peftType} is not LoRA`);
  const r0 = cfg.r;
  const a0 = cfg.lora_alpha ?? r0;
  if (!Number.isSafeInteger(r0) || (r0 as number) < 1 || typeof a0 !== 'number' || !Number.isFinite(a0)) fail('E_FORMAT', `${f.config}: r must be a positive integer and lora_alpha a number`);
  const rslora = cfg.use_rslora === true;
  const dora = cfg.use_dora === true;
  const reader = await openModel(f.weights, { minEvals: 1 });
  const pairs = new Map<string, { A?: string; B?: string; embedding: boolean }>();
  const skipped: { name: string; reason: string }[] = reader.skipped.map((s) => ({ ...s }));
  for (const t of reader.tensors) {
    const k = parseKey(t.name);
    if (!k) {
      skipped.push({ name: t.name, reason: 'not a lora_A / lora_B weight' });
      continue;
    }
    const p = pairs.get(k.module) ?? { embedding: k.embedding };
    p[k.side] = t.name;
    pairs.set(k.module, p);
  }
  let base: ModelReader | undefined;
  if (opts.base !== undefined) base = await openModel(opts.base, { minEvals: 1 });
  const baseNames = new Set(base?.tensors.map((t) => t.name));
  const modules: LoraModule[] = [];
  for (const [module, p] of pairs) {
    if (!p.A || !p.B) {
      skipped.push({ name: (p.A ?? p.B)!, reason: `module ${module} has lora_${p.A ? 'A' : 'B'} but no lora_${p.A ? 'B' : 'A'}` });
      continue;
    }
    modules.push(await oneModule(module, p as { A: string; B: string; embedding: boolean }, reader, cfg, r0 as number, a0, rslora, dora, base, baseNames, opts.minEvals ?? 10));
  }
  return { adapter, config: { r: r0 as number, loraAlpha: a0, useRslora: rslora, targetModules: cfg.target_modules ?? null, peftType }, modules, skipped };
}

async function oneModule(
  module: string, p: { A: string; B: string; embedding: boolean }, reader: ModelReader, cfg: Record<string, unknown>,
  r0: number, a0: number, rslora: boolean, dora: boolean, base: ModelReader | undefined, baseNames: Set<string>, minEvals: number,
): Promise<LoraModule> {
  const A = await reader.read(p.A);
  const B = await reader.read(p.B);
  const notes: string[] = [];
  // linear: A (r, in), B (out, r). embedding: lora_embedding_A (r, vocab), lora_embedding_B (dim, r), and
  // ΔW = (B·A)ᵀ in the embedding's (vocab, dim) orientation.
  const [ra, n] = A.shape;
  const [m, rb] = B.shape;
  if (A.shape.length !== 2 || B.shape.length !== 2 || ra !== rb) fail('E_FORMAT', `${module}: lora_A ${JSON.stringify(A.shape)} and lora_B ${JSON.stringify(B.shape)} do not multiply`);
  const r = ra;
  const rCfg = patternValue(cfg.rank_pattern, module) ?? r0;
  if (rCfg !== r) notes.push(`r = ${r} from the weights (the config says ${rCfg})`);
  const alpha = patternValue(cfg.alpha_pattern, module) ?? a0;
  const scale = rslora ? alpha / Math.sqrt(r) : alpha / r;
  // columns of B (length out) and of Aᵀ (= rows of A, length in)
  const bCols = Array.from({ length: r }, (_, j) => Float64Array.from({ length: m }, (_, i) => B.data[i * r + j]));
  const aCols = Array.from({ length: r }, (_, j) => Float64Array.from(A.data.subarray(j * n, (j + 1) * n)));
  const RB = qrR(bCols, m); // kB × r
  const RA = qrR(aCols, n); // kA × r
  const kB = Math.min(m, r);
  const kA = Math.min(n, r);
  const P = new Float64Array(kB * kA); // R_B · R_Aᵀ
  for (let i = 0; i < kB; i++) for (let j = 0; j < kA; j++) {
    let s = 0;
    for (let q = 0; q < r; q++) s += RB[i * r + q] * RA[j * r + q];
    P[i * kA + j] = s;
  }
  const sv = Float64Array.from(svdvalsSync({ data: P, shape: [kB, kA] }), (x) => Math.abs(scale) * x);
  const fro = Math.hypot(...sv);
  const shape: [number, number] = p.embedding ? [n, m] : [m, n];
  const out: LoraModule = {
    module, baseName: `${module}.weight`, r, loraAlpha: alpha, scale, shape, singularValues: sv, norm: fro, spectralNorm: sv[0] ?? 0,
    stableRank: sv[0] > 0 ? (fro * fro) / (sv[0] * sv[0]) : NaN, notes,
  };
  if (cfg.fan_in_fan_out === true) notes.push('fan_in_fan_out: the base stores this weight transposed (in, out)');
  if (!base) return out;
  if (dora) {
    notes.push('DoRA (use_dora): W + ΔW is not the merged weight (the magnitude vector rescales it): base analysis skipped');
    return out;
  }
  if (!baseNames.has(out.baseName)) {
    notes.push(`base has no '${out.baseName}'`);
    return out;
  }
  const W = await base.read(out.baseName);
  const transposed = cfg.fan_in_fan_out === true;
  const want = transposed ? [shape[1], shape[0]] : shape;
  if (W.shape.length !== 2 || W.shape[0] !== want[0] || W.shape[1] !== want[1]) {
    notes.push(`base '${out.baseName}' has shape ${JSON.stringify(W.shape)}, ΔW ${JSON.stringify(want)}`);
    return out;
  }
  // merged = W + s·B·A (in W's stored orientation); this is the only place the (out × in) product is formed
  const merged = Float64Array.from(W.data);
  let nw = 0;
  let nd = 0;
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let q = 0; q < r; q++) s += B.data[i * r + q] * A.data[q * n + j];
    const d = scale * s;
    // linear: (out, in) = (i, j); embedding: (vocab, dim) = (j, i); fan_in_fan_out: (in, out) = (j, i)
    const at = p.embedding || transposed ? j * m + i : i * n + j;
    merged[at] += d;
    nd += d * d;
  }
  for (const x of W.data) nw += x * x;
  const Wm = { data: Float64Array.from(W.data), shape: W.shape as [number, number] };
  const [rw, rm] = [await analyzeMatrix(Wm, { minEvals, mpFit: false }), await analyzeMatrix({ data: merged, shape: W.shape as [number, number] }, { minEvals, mpFit: false })];
  const alphaOf = (x: typeof rw) => (x.status === 'success' ? num(x.alpha) : null);
  const aw = alphaOf(rw);
  const am = alphaOf(rm);
  out.base = {
    relDelta: nw > 0 ? Math.sqrt(nd / nw) : Infinity, alpha: aw, alphaMerged: am, dAlpha: aw !== null && am !== null ? am - aw : null,
    stableRank: rw.stableRank, stableRankMerged: rm.stableRank,
  };
  return out;
}
