// How a keras/tfjs weight becomes the tensors weightscope analyses, given its layer class. Shared by the
// tfjs file reader (model.json: the class comes from modelTopology) and the in-memory tfjs snapshot
// (src/tfjs/: the class comes from layer.getClassName()), so a model read from disk and the same model
// snapshotted during training yield the same names, shapes and orientations.
//
// - Dense kernels (in, out) are transposed to (out, in); Embedding matrices (vocabulary, dim) stay as stored.
// - Conv2D kernels (kh, kw, in, out) stay as stored (layout 'hwio'); Conv1D kernels (k, in, out) are viewed as
//   (1, k, in, out), so each of the k kernel-width slices is an (out × in) matrix, as for conv2d.
// - Depthwise kernels are skipped (each slice is a vector).
// - LSTM/GRU/SimpleRNN kernel (in, gates·units) and recurrent_kernel (units, gates·units) are split per gate
//   into (units × in|units) matrices named '<stored name>.<gate>', like the ONNX reader splits W and R. Gate
//   order is keras's, the order of the column blocks: LSTM i, f, c, o (input, forget, cell, output); GRU z, r, h
//   (update, reset, candidate); SimpleRNN has one block (no suffix).
import type { ConvLayout, WeightKind } from './types.js';

export const KERAS_GATES: Record<string, readonly string[]> = { LSTM: ['i', 'f', 'c', 'o'], GRU: ['z', 'r', 'h'], SimpleRNN: [''] };

/** One analysed tensor made from a stored keras weight. */
export interface KerasView {
  /** Appended to the stored name ('' or '.<gate>'). */
  suffix: string;
  shape: number[];
  kind: WeightKind;
  layout?: ConvLayout;
  /** What was done to the stored tensor, in words (absent: used as stored). */
  transform?: string;
  orientation?: string;
  /** The view's data from the stored row-major data. */
  extract: (stored: Float32Array) => Float32Array;
  /** Set when the view is the whole stored tensor with this layout change: the native reader does it itself. */
  native?: 'as-stored' | 'transpose';
}

export type KerasViews = { views: KerasView[] } | { skip: string };

const same = (d: Float32Array): Float32Array => d;

/** Columns [c0, c0 + w) of a row-major (rows × cols) matrix, transposed: a (w × rows) matrix. */
export function transposedColumns(d: Float32Array, rows: number, cols: number, c0: number, w: number): Float32Array {
  const out = new Float32Array(w * rows);
  for (let r = 0; r < rows; r++) {
    const base = r * cols + c0;
    for (let c = 0; c < w; c++) out[c * rows + r] = d[base + c];
  }
  return out;
}

/** The recurrent cell family of a keras class name (LSTM, LSTMCell, CuDNNLSTM, ... → 'LSTM'), or undefined. */
export function recurrentFamily(cls: string): string | undefined {
  if (/LSTM/.test(cls)) return 'LSTM';
  if (/GRU/.test(cls)) return 'GRU';
  if (/SimpleRNN/.test(cls)) return 'SimpleRNN';
  return undefined;
}

/**
 * The views of a stored weight of a layer of class `cls` (leaf: the last name segment, e.g. 'kernel').
 * Returns undefined for what the class does not decide (1-D tensors, unknown classes): the caller applies its
 * name rules.
 */
export function kerasViews(cls: string, leaf: string, shape: readonly number[]): KerasViews | undefined {
  if (shape.length < 2) return undefined;
  const fam = recurrentFamily(cls);
  if (fam && shape.length === 2) {
    const gates = KERAS_GATES[fam];
    const [rows, cols] = shape;
    if (cols % gates.length !== 0) return { skip: `${cls} ${leaf} columns ${cols} are not divisible by its ${gates.length} gates` };
    const units = cols / gates.length;
    const views = gates.map((gate, g): KerasView => ({
      suffix: gate ? `.${gate}` : '',
      shape: [units, rows],
      kind: 'recurrent',
      transform: gate
        ? `${fam} gate ${gate}: columns [${g * units}, ${(g + 1) * units}) of (${rows}, ${cols}), transposed to (units, ${leaf === 'kernel' ? 'input' : 'units'})`
        : `transposed (${rows}, ${cols}) -> (units, ${leaf === 'kernel' ? 'input' : 'units'})`,
      orientation: '(in, units) as keras stores recurrent kernels: transposed to (units, in)',
      extract: (d) => transposedColumns(d, rows, cols, g * units, units),
    }));
    return { views };
  }
  if (fam) return { skip: `${cls} ${leaf}: ${shape.length}-D recurrent weight has no matrix view` };
  if (cls === 'Embedding' && shape.length === 2) {
    return { views: [{ suffix: '', shape: [...shape], kind: 'embedding', orientation: '(vocabulary, dim) as stored', extract: same, native: 'as-stored' }] };
  }
  if (/^Depthwise/.test(cls) || (/^Separable/.test(cls) && /depthwise/.test(leaf))) {
    return { skip: 'depthwise convolution kernel: each kernel slice is a (channels × 1) vector, so there is no spectrum' };
  }
  if (/^Conv1D/.test(cls) && shape.length === 3) {
    return {
      views: [{
        suffix: '', shape: [1, ...shape], kind: 'conv2d', layout: 'hwio',
        transform: 'Conv1D (k, in, out) viewed as (1, k, in, out)', extract: same, native: 'as-stored',
      }],
    };
  }
  if (shape.length === 4 && /^(Conv2D|SeparableConv2D|Conv2DTranspose)/.test(cls)) {
    return { views: [{ suffix: '', shape: [...shape], kind: 'conv2d', layout: 'hwio', extract: same, native: 'as-stored' }] };
  }
  if (shape.length === 2 && cls === 'Dense') return { views: [dense2d(shape)] };
  return undefined;
}

/** A keras 2-D kernel (in, out) as an (out, in) dense matrix. */
export function dense2d(shape: readonly number[]): KerasView {
  const [r, c] = shape;
  return {
    suffix: '', shape: [c, r], kind: 'dense',
    transform: 'transposed (in, out) -> (out, in)',
    orientation: '(in, out) as keras stores Dense kernels: transposed to (out, in)',
    extract: (d) => transposedColumns(d, r, c, 0, c),
    native: 'transpose',
  };
}
