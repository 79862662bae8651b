// ggml tensor types: id -> name and block geometry (elements per block, stored bytes per block), as in the
// GGUF specification / gguf-py GGML_QUANT_SIZES. `dequant` marks the quantized types with a native dequantizer.

export interface GgmlTypeInfo {
  name: string;
  blockElems: number;
  blockBytes: number;
  /** Dequantized natively (src/linalg/ggml.ts). */
  dequant?: boolean;
}

const T = (name: string, blockElems: number, blockBytes: number, dequant = false): GgmlTypeInfo => ({ name, blockElems, blockBytes, ...(dequant ? { dequant } : {}) });

export const GGML_TYPES: Record<number, GgmlTypeInfo> = {
  0: T('F32', 1, 4),
  1: T('F16', 1, 2),
  2: T('Q4_0', 32, 18, true),
  3: T('Q4_1', 32, 20, true),
  6: T('Q5_0', 32, 22, true),
  7: T('Q5_1', 32, 24, true),
  8: T('Q8_0', 32, 34, true),
  9: T('Q8_1', 32, 40),
  10: T('Q2_K', 256, 84, true),
  11: T('Q3_K', 256, 110, true),
  12: T('Q4_K', 256, 144, true),
  13: T('Q5_K', 256, 176, true),
  14: T('Q6_K', 256, 210, true),
  15: T('Q8_K', 256, 292, true),
  16: T('IQ2_XXS', 256, 66),
  17: T('IQ2_XS', 256, 74),
  18: T('IQ3_XXS', 256, 98),
  19: T('IQ1_S', 256, 50),
  20: T('IQ4_NL', 32, 18),
  21: T('IQ3_S', 256, 110),
  22: T('IQ2_S', 256, 82),
  23: T('IQ4_XS', 256, 136),
  24: T('I8', 1, 1),
  25: T('I16', 1, 2),
  26: T('I32', 1, 4),
  27: T('I64', 1, 8),
  28: T('F64', 1, 8),
  29: T('IQ1_M', 256, 56),
  30: T('BF16', 1, 2),
  34: T('TQ1_0', 256, 54),
  35: T('TQ2_0', 256, 66),
  39: T('MXFP4', 32, 17),
  40: T('NVFP4', 64, 36),
  41: T('Q1_0', 128, 18),
};

/** Plain float types read through readTensor, by ggml type id. */
export const GGML_FLOATS: Record<number, { stored: 'F32' | 'F16' | 'BF16' | 'F64'; dtype: 'float32' | 'float16' | 'bfloat16' | 'float64' }> = {
  0: { stored: 'F32', dtype: 'float32' },
  1: { stored: 'F16', dtype: 'float16' },
  30: { stored: 'BF16', dtype: 'bfloat16' },
  28: { stored: 'F64', dtype: 'float64' },
};
