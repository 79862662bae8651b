// compare(a, b): two checkpoints of one architecture (any sources analyze() reads, formats may differ), matched
// by name and shape, layer pair by layer pair (only one pair's weights held at a time). Per layer:
//   relDelta = ‖W_b − W_a‖_F / ‖W_a‖_F; alpha and stable_rank of each and their differences (b − a);
//   CKA: linear, centred, on the weights (samples = the longer dimension, centred over it; features = the other):
//        ‖X̃ᵀỸ‖_F² / (‖X̃ᵀX̃‖_F ‖ỸᵀỸ‖_F);
//   principal angles between the top-k left singular subspaces (metrics/subspace.ts) and their overlap
//        mean cos²θ; the spectrum of ΔW = W_b − W_a with its own alpha, stable_rank and numerical rank
//        (WeightWatcher's base_model idea: what fine-tuning added).
// Conv kernels get relDelta, the alphas and ΔW's alpha (pooled slices); CKA and angles need one matrix.
import { fail } from '../errors.js';
import { gram } from '../linalg/eig.js';
import type { Matrix } from '../linalg/matrix.js';
import type { WeightInput } from '../esd/weights.js';
import { analyzeMatrix, type AnalyzeOptions as MatrixOptions, type LayerReport } from '../metrics/heavytail/index.js';
import { rankFromSvdvals } from '../metrics/rank.js';
import { principalAngles } from '../metrics/subspace.js';
import { jobsOf, type AnalyzeSource, type Job } from '../model/jobs.js';
import { makeUnique } from '../model/unique.js';
import type { SkippedTensor } from '../model/types.js';

export interface CompareOptions {
  /** Dimension of the singular subspaces compared (default 10, at most min(rows, cols)). */
  k?: number;
  /** Only layers whose name matches. */
  layers?: RegExp | string;
  /** Fewer eigenvalues than this: no alpha (WeightWatcher's limit, default 10). */
  minEvals?: number;
  /** CKA is skipped above this many features (its Gram is (2·features)²). Default 4096. */
  ckaMaxFeatures?: number;
}

export interface LayerDiff {
  name: string;
  kind: string;
  shape: number[];
  /** ‖ΔW‖_F / ‖W_a‖_F (Infinity when W_a = 0 ≠ W_b). */
  relDelta: number;
  normDelta: number;
  alphaA: number | null;
  alphaB: number | null;
  dAlpha: number | null;
  stableRankA: number | null;
  stableRankB: number | null;
  dStableRank: number | null;
  /** Linear centred CKA in [0, 1] (null: a conv kernel, a constant matrix, or too many features). */
  cka: number | null;
  /** Principal angles θ_1..θ_k (radians) between the top-k left singular subspaces. */
  angles: number[] | null;
  /** mean cos²θ_i: 1 for the same subspace. */
  subspaceOverlap: number | null;
  /** ΔW's spectrum: its alpha, stable rank and numerical rank (null when ΔW = 0 or the fit failed). */
  deltaAlpha: number | null;
  deltaStableRank: number | null;
  deltaRank: number | null;
  /** Why some of the above are null, in words. */
  notes: string[];
}

export interface CompareReport {
  a: string;
  b: string;
  layers: LayerDiff[];
  /** Names in one model only. */
  onlyInA: string[];
  onlyInB: string[];
  /** Same name, different shapes: not compared. */
  shapeMismatch: { name: string; shapeA: number[]; shapeB: number[] }[];
  /** Tensors the readers skipped (with the side: 'a: ...'). */
  skipped: SkippedTensor[];
}

const OPTS = ['k', 'layers', 'minEvals', 'ckaMaxFeatures'];

function parse(opts: CompareOptions | undefined): Required<Omit<CompareOptions, 'layers'>> & { test: (n: string) => boolean } {
  const o = opts ?? {};
  if (typeof o !== 'object') fail('E_OPTION', 'compare: options must be an object');
  for (const k of Object.keys(o)) if (!OPTS.includes(k)) fail('E_OPTION', `compare: unknown option '${k}' (allowed: ${OPTS.join(', ')})`);
  const int = (v: unknown, d: number, what: string) => {
    const x = v ?? d;
    if (!Number.isSafeInteger(x) || (x as number) < 1) fail('E_OPTION', `compare: ${what} must be a positive integer`);
    return x as number;
  };
  let test = (_: string) => true;
  if (o.layers !== undefined) {
    if (!(o.layers instanceof RegExp) && typeof o.layers !== 'string') fail('E_OPTION', 'compare: layers must be a RegExp or a string');
    let re: RegExp;
    try {
      re = o.layers instanceof RegExp ? new RegExp(o.layers.source, o.layers.flags.replace(/[gy]/g, '')) : new RegExp(o.layers);
    } catch (e) {
      return fail('E_OPTION', `compare: layers is not a valid regular expression (${(e as Error).message})`);
    }
    test = (n) => re.test(n);
  }
  return { k: int(o.k, 10, 'k'), minEvals: int(o.minEvals, 10, 'minEvals'), ckaMaxFeatures: int(o.ckaMaxFeatures, 4096, 'ckaMaxFeatures'), test };
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
const f64 = (W: WeightInput): Float64Array => (W.data instanceof Float64Array ? W.data : Float64Array.from(W.data));

/** Linear centred CKA of two (n × p) matrices given row-major, samples along the longer side. */
async function cka(a: Float64Array, b: Float64Array, rows: number, cols: number, maxFeatures: number): Promise<number | null | string> {
  // samples = the longer side; a (rows × cols) with rows < cols is used transposed
  const tall = rows >= cols;
  const n = tall ? rows : cols;
  const p = tall ? cols : rows;
  if (p > maxFeatures) return `CKA skipped: ${p} features > ckaMaxFeatures = ${maxFeatures}`;
  // Z = [X̃ | Ỹ], (max(n, 2p) × 2p), zero rows added so gram() returns ZᵀZ, whose off-diagonal block is X̃ᵀỸ
  const zr = Math.max(n, 2 * p);
  const Z = new Float64Array(zr * 2 * p);
  const at = (m: Float64Array, s: number, f: number) => (tall ? m[s * cols + f] : m[f * cols + s]);
  for (const [m, off] of [[a, 0], [b, p]] as const) {
    for (let f = 0; f < p; f++) {
      let mean = 0;
      for (let s = 0; s < n; s++) mean += at(m, s, f);
      mean /= n;
      for (let s = 0; s < n; s++) Z[s * 2 * p + off + f] = at(m, s, f) - mean;
    }
  }
  const G = (await gram({ data: Z, shape: [zr, 2 * p] })).data;
  const w = 2 * p;
  let xy = 0;
  let xx = 0;
  let yy = 0;
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      xx += G[i * w + j] ** 2;
      yy += G[(p + i) * w + p + j] ** 2;
      xy += G[i * w + p + j] ** 2;
    }
  }
  if (xx === 0 || yy === 0) return 'CKA undefined: a matrix is constant along its samples';
  return xy / Math.sqrt(xx * yy);
}

function matrixOpts(job: Job, W: WeightInput, minEvals: number, name: string): MatrixOptions {
  const o: MatrixOptions = { name, minEvals, mpFit: false, keepEsd: true, layerType: W.shape.length === 4 ? 'conv2d' : job.kind === 'embedding' ? 'embedding' : 'dense' };
  if (job.layout) o.layout = job.layout;
  return o;
}

async function diffLayer(ja: Job, jb: Job, o: ReturnType<typeof parse>): Promise<LayerDiff> {
  const [Wa, Wb] = await Promise.all([ja.load(), jb.load()]);
  const a = f64(Wa);
  const b = f64(Wb);
  const notes: string[] = [];
  const d = new Float64Array(a.length);
  let na = 0;
  let nd = 0;
  for (let i = 0; i < a.length; i++) {
    d[i] = b[i] - a[i];
    na += a[i] * a[i];
    nd += d[i] * d[i];
  }
  const shape = [...Wa.shape];
  const mk = (data: Float64Array): WeightInput => ({ data, shape: Wa.shape } as WeightInput);
  const fit = async (W: WeightInput, what: string): Promise<LayerReport | null> => {
    const r = await analyzeMatrix(W, matrixOpts(ja, W, o.minEvals, ja.name));
    if (r.status !== 'success') notes.push(`${what}: ${r.status}${r.reason ? ` (${r.reason})` : ''}`);
    return r.status === 'skipped' ? null : r;
  };
  const ra = await fit(mk(a), 'W_a');
  const rb = await fit(mk(b), 'W_b');
  const alphaOf = (r: LayerReport | null) => (r && r.status === 'success' ? finite(r.alpha) : null);
  const alphaA = alphaOf(ra);
  const alphaB = alphaOf(rb);
  const srA = ra ? finite(ra.stableRank) : null;
  const srB = rb ? finite(rb.stableRank) : null;
  let deltaAlpha: number | null = null;
  let deltaStableRank: number | null = null;
  let deltaRank: number | null = null;
  if (nd === 0) notes.push('ΔW = 0: the layers are identical');
  else {
    const rd = await fit(mk(d), 'ΔW');
    if (rd) {
      deltaAlpha = alphaOf(rd);
      deltaStableRank = finite(rd.stableRank);
      const ev = rd.esd;
      if (ev && shape.length === 2) {
        const sv = Float64Array.from(ev, (v) => Math.sqrt(Math.max(v, 0)));
        deltaRank = rankFromSvdvals(sv, { shape: [Math.max(shape[0], shape[1]), sv.length], dtype: 'float64' }).numericalRank;
      }
    }
  }
  let c: number | null = null;
  let angles: number[] | null = null;
  let overlap: number | null = null;
  if (shape.length === 2) {
    const cr = await cka(a, b, shape[0], shape[1], o.ckaMaxFeatures);
    if (typeof cr === 'string') notes.push(cr);
    else c = cr;
    if (na > 0 && b.some((v) => v !== 0)) {
      const k = Math.min(o.k, shape[0], shape[1]);
      const pa = await principalAngles(mk(a) as Matrix, mk(b) as Matrix, { k });
      angles = Array.from(pa.angles);
      overlap = pa.cosines.reduce((s, x) => s + x * x, 0) / k;
    } else notes.push('principal angles undefined: a zero matrix');
  } else notes.push(`${shape.length}-D kernel: CKA and principal angles need one matrix`);
  return {
    name: ja.name,
    kind: ja.kind,
    shape,
    relDelta: na > 0 ? Math.sqrt(nd) / Math.sqrt(na) : nd === 0 ? 0 : Infinity,
    normDelta: Math.sqrt(nd),
    alphaA,
    alphaB,
    dAlpha: alphaA !== null && alphaB !== null ? alphaB - alphaA : null,
    stableRankA: srA,
    stableRankB: srB,
    dStableRank: srA !== null && srB !== null ? srB - srA : null,
    cka: c,
    angles,
    subspaceOverlap: overlap,
    deltaAlpha,
    deltaStableRank,
    deltaRank,
    notes,
  };
}

function named(source: AnalyzeSource): { jobs: Job[]; skipped: SkippedTensor[]; label: string } {
  const p = jobsOf(source);
  const names = makeUnique(p.jobs.map((j) => j.name));
  p.jobs.forEach((j, i) => (j.name = names[i]));
  return { jobs: p.jobs, skipped: p.skipped, label: p.label };
}

/** Compares two checkpoints layer by layer; see the file comment. */
export async function compare(a: AnalyzeSource, b: AnalyzeSource, opts?: CompareOptions): Promise<CompareReport> {
  const o = parse(opts);
  const A = named(a);
  const B = named(b);
  const byB = new Map(B.jobs.map((j) => [j.name, j]));
  const inA = new Set(A.jobs.map((j) => j.name));
  const layers: LayerDiff[] = [];
  const shapeMismatch: CompareReport['shapeMismatch'] = [];
  const onlyInA: string[] = [];
  for (const ja of A.jobs) {
    if (!o.test(ja.name)) continue;
    const jb = byB.get(ja.name);
    if (!jb) {
      onlyInA.push(ja.name);
      continue;
    }
    if (ja.shape.length !== jb.shape.length || ja.shape.some((d, i) => d !== jb.shape[i])) {
      shapeMismatch.push({ name: ja.name, shapeA: [...ja.shape], shapeB: [...jb.shape] });
      continue;
    }
    layers.push(await diffLayer(ja, jb, o));
  }
  const onlyInB = B.jobs.filter((j) => o.test(j.name) && !inA.has(j.name)).map((j) => j.name);
  if (layers.length === 0 && onlyInA.length + onlyInB.length + shapeMismatch.length === 0) fail('E_OPTION', 'compare: no layer matches the filters');
  const skipped = [...A.skipped.map((s) => ({ ...s, name: `a: ${s.name}` })), ...B.skipped.map((s) => ({ ...s, name: `b: ${s.name}` }))];
  return { a: A.label, b: B.label, layers, onlyInA, onlyInB, shapeMismatch, skipped };
}

/** The JSON document of a comparison (snake_case, as the rest of weightscope's JSON; non-finite → null). */
export function compareToJson(r: CompareReport): Record<string, unknown> {
  const n = (v: number | null) => (v === null || !Number.isFinite(v) ? null : v);
  return {
    a: r.a,
    b: r.b,
    layers: r.layers.map((l) => ({
      name: l.name, kind: l.kind, shape: l.shape, rel_delta: n(l.relDelta), norm_delta: n(l.normDelta),
      alpha_a: l.alphaA, alpha_b: l.alphaB, d_alpha: l.dAlpha, stable_rank_a: l.stableRankA, stable_rank_b: l.stableRankB,
      d_stable_rank: l.dStableRank, cka: l.cka, principal_angles: l.angles, subspace_overlap: l.subspaceOverlap,
      delta_alpha: l.deltaAlpha, delta_stable_rank: l.deltaStableRank, delta_rank: l.deltaRank, notes: l.notes,
    })),
    only_in_a: r.onlyInA,
    only_in_b: r.onlyInB,
    shape_mismatch: r.shapeMismatch.map((s) => ({ name: s.name, shape_a: s.shapeA, shape_b: s.shapeB })),
    skipped: r.skipped,
  };
}
