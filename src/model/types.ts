// Types shared by the model readers (safetensors, tfjs, ONNX). A reader first builds a plan from the file's
// header/manifest/graph (no tensor data read), then streams the planned tensors one at a time.

/** What a weight tensor is, as far as the file tells. */
export type WeightKind = 'dense' | 'conv2d' | 'embedding' | 'recurrent' | 'other';

/** Memory layout of a conv2d kernel: torch/ONNX (out, in, kh, kw) or tfjs/keras (kh, kw, in, out). */
export type ConvLayout = 'oihw' | 'hwio';

export type ModelFormat = 'safetensors' | 'tfjs' | 'onnx';

/** Where a tensor came from. `file` is always set ('<memory>' for an in-memory source). */
export interface TensorSource {
  format: ModelFormat;
  file: string;
  /** Byte offset of the stored data inside `file` (absent when it is not one contiguous range). */
  offset?: number;
  /** Stored byte length. */
  byteLength?: number;
  /** The dtype as the file spells it (e.g. 'BF16', 'float32', 'FLOAT16'). */
  storedDtype?: string;
  /** The shape as stored, when the yielded shape differs (transposed, split, reshaped). */
  storedShape?: number[];
  /** The stored tensor's name, when the yielded name differs (e.g. a gate of an LSTM weight). */
  storedName?: string;
  /** What was done to the stored tensor to get the yielded one, in words. */
  transform?: string;
  /** tfjs affine quantization (value = q·scale + min). */
  quantization?: { dtype: string; scale: number; min: number };
  /** ONNX: the consuming node and its op type, and the (sub)graph the tensor lives in. */
  node?: string;
  opType?: string;
  graph?: string;
  /** ONNX: the Constant node that holds the tensor (absent for initializers). */
  constantNode?: string;
  /** ONNX external data file (absolute path), when the data lives outside the model file. */
  external?: string;
}

/** Metadata of a tensor that will be yielded; no data read yet. */
export interface TensorInfo {
  name: string;
  /** Stored dtype, normalised: 'float64' | 'float32' | 'float16' | 'bfloat16' | 'uint8' | 'uint16' (quantized). */
  dtype: string;
  /** Shape of the yielded data (dense: (out, in); conv2d per `layout`). */
  shape: number[];
  kind: WeightKind;
  layout?: ConvLayout;
  source: TensorSource;
}

/** A tensor with its data: float64 stays Float64Array, everything else is widened/dequantised to Float32Array. */
export interface WeightTensor extends TensorInfo {
  data: Float32Array | Float64Array;
}

/** A tensor that is not yielded, and why. */
export interface SkippedTensor {
  name: string;
  reason: string;
}

export interface ReadOptions {
  /**
   * Skip tensors whose matrix view has fewer than `minEvals` eigenvalues (min(rows, cols); for conv2d
   * min(out, in)). Default 1: only empty tensors. analyze() passes its own minEvals so skipped layers are
   * never read from disk.
   */
  minEvals?: number;
  /** Keep only tensors for which this returns true (called on metadata, before any data is read). */
  filter?: (info: TensorInfo) => boolean;
}

/** What listTensors() returns: the plan, without data. */
export interface TensorListing {
  format: ModelFormat;
  /** Every file the model reads from (model file, shards, external data files). */
  files: string[];
  tensors: TensorInfo[];
  skipped: SkippedTensor[];
}

/**
 * An opened model: its plan (`tensors`, `skipped`), and an async iterator that reads and yields one tensor at a
 * time (peak memory ≈ the largest tensor). Iterate it once per pass; each pass re-reads from disk.
 */
export interface ModelReader extends TensorListing, AsyncIterable<WeightTensor> {
  /** Reads one planned tensor by name (the yielded name). */
  read(name: string): Promise<WeightTensor>;
}

/** Internal: a planned tensor and how to load its data. */
export interface PlannedTensor {
  info: TensorInfo;
  load: () => Promise<Float32Array | Float64Array>;
}

export interface ModelPlan {
  format: ModelFormat;
  files: string[];
  planned: PlannedTensor[];
  skipped: SkippedTensor[];
}

/** A model given in memory instead of on disk (safetensors bytes, or ONNX bytes). */
export type ModelBytes = Uint8Array;
