// What a quantized weight is made of and how it is dequantized: a kernel of native/core/quant_*.cc and the
// stored tensors it reads, in the kernel's input order. The recognisers (safetensors.ts, onnx.ts in this folder)
// build these from names, dtypes, shapes, config.json and the ONNX graph; load.ts runs them.
import type { Opener } from '../bytes.js';

/** Element encodings the kernels read (native/core/quant_common.h: ElemType, same numbering). */
export const ELEM = {
  f32: 0, f16: 1, bf16: 2, i8: 3, u8: 4, i16: 5, u16: 6, i32: 7, f8e4m3: 8, f8e5m2: 9, i4: 10, u4: 11,
} as const;
export type Elem = keyof typeof ELEM;

/** Bits per element of each encoding (i4/u4: two per byte, low nibble first, as ONNX packs them). */
export const ELEM_BITS: Record<Elem, number> = {
  f32: 32, f16: 16, bf16: 16, i8: 8, u8: 8, i16: 16, u16: 16, i32: 32, f8e4m3: 8, f8e5m2: 8, i4: 4, u4: 4,
};

/**
 * The kernels (native/binding/quant_op.cc). Every output is float32 (out, in) row-major: `rows × cols`.
 * - grid: w[i][j] = (q[i][j] − zp[g]) · scale[g] · mul, g = (i / blockRows, j / blockCols) in a
 *   (scaleRows × scaleCols) grid over the stored (rows × cols) tensor; per-tensor, per-axis, per-group and
 *   128×128 blocks are grids. `transpose`: the output is the (cols × rows) transpose (ONNX MatMul B).
 * - gptq / awq / ct-pack / nbits / bnb4: the packed int4 layouts of those packers (see quant_packed.cc).
 */
export type Kernel =
  | {
      op: 'grid'; rows: number; cols: number; q: Elem; scale: Elem; zp?: Elem;
      scaleRows: number; scaleCols: number; blockRows: number; blockCols: number; mul: number; transpose: boolean;
    }
  | { op: 'gptq'; bits: number; rows: number; cols: number; groups: number; scale: Elem; zeroOffset: number; gIdx: boolean }
  | { op: 'awq'; rows: number; cols: number; groups: number; scale: Elem }
  | { op: 'ct-pack'; bits: number; rows: number; cols: number; groups: number; groupSize: number; scale: Elem; zp: boolean; gIdx: boolean }
  | { op: 'nbits'; bits: number; rows: number; cols: number; blockSize: number; scale: Elem; zp?: Elem | 'packed' }
  | {
      op: 'bnb4'; rows: number; cols: number; blockSize: number;
      /** nested (double-quant) absmax: u8 codes, nested_absmax per nestedBlockSize codes, + nestedOffset */
      nested: boolean; nestedBlockSize: number; nestedOffset: number;
    };

/** One stored tensor a kernel reads: where its bytes are (or the bytes themselves). */
export interface QuantInput {
  name: string;
  open: Opener;
  offset: number;
  byteLength: number;
}

/** A recognised quantized weight. */
export interface QuantWeight {
  /** The name the weight is yielded under (the module's `.weight`). */
  name: string;
  /** The stored tensor holding the quantized values. */
  storedName: string;
  /** The scheme, in words ('GPTQ int4 (group 128)'): the layer's source.quantScheme and the skip reasons. */
  scheme: string;
  /** The analysed (out, in) shape. */
  shape: [number, number];
  /**
   * Resolution dtype of the values (esd/resolution.ts): 'int8'/'uint8' for 8-bit integer grids (as tfjs
   * uint8 weights); 'float32' for 4-bit and FP8, whose grid step (≥ 2^-3) would refuse every fit: the
   * dequantized float32 matrix is exactly what the model computes with, so its eigenvalues are float32's.
   */
  dtype: string;
  /** How to dequantize; absent when weightscope has no dequantizer for the scheme (the weight is skipped). */
  kernel?: Kernel;
  /** Why there is no kernel (appended to the skip reason). */
  why?: string;
  inputs: QuantInput[];
  /** The side tensors (scales, zero points, g_idx, code tables, states), by role. */
  side: { name: string; role: string }[];
}

export function sideReason(role: string, weight: string, scheme: string): string {
  return `quantization ${role} of ${weight} (${scheme})`;
}

export function quantizedReason(w: Pick<QuantWeight, 'scheme' | 'why'>): string {
  return `quantized (${w.scheme})${w.why ? `: ${w.why}` : ''}`;
}
