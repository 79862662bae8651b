// Types shared by the model readers (safetensors, tfjs, ONNX, PyTorch, NumPy, TFLite). A reader first builds a plan from the file's
// header/manifest/graph (no tensor data read), then streams the planned tensors one at a time.
import type { TailOnlyFit } from '../metrics/tail-only.js';

/** What a weight tensor is, as far as the file tells. */
export type WeightKind = 'dense' | 'conv2d' | 'embedding' | 'recurrent' | 'other';

/** Memory layout of a conv2d kernel: torch/ONNX (out, in, kh, kw) or tfjs/keras (kh, kw, in, out). */
export type ConvLayout = 'oihw' | 'hwio';

export type ModelFormat = 'safetensors' | 'tfjs' | 'onnx' | 'pytorch' | 'numpy' | 'tflite' | 'gguf';

/** Where a tensor came from. `file` is always set ('<memory>' for an in-memory source). */
export interface TensorSource {
  format: ModelFormat;
  file: string;
  /** Byte offset of the stored data inside `file` (absent when it is not one contiguous range). */
  offset?: number;
  /** Stored byte length. */
  byteLength?: number;
  /** tfjs: the tensor runs on past `file` into this many shard files in all (`offset` is in the first). */
  spansFiles?: number;
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
  /**
   * A quantized weight (GPTQ, AWQ, compressed-tensors, FP8, bitsandbytes, ONNX QDQ/MatMulInteger/MatMulNBits):
   * the scheme in words; the yielded data is the dequantized matrix. `quantParts`: its side tensors (scales,
   * zero points, g_idx, ...), listed as skipped and never analysed.
   */
  quantScheme?: string;
  quantParts?: string[];
  /** ONNX: the consuming node and its op type, and the (sub)graph the tensor lives in. */
  node?: string;
  opType?: string;
  graph?: string;
  /** ONNX: the other nodes that use the tensor (it is analysed once, with the first consumer's orientation). */
  alsoUsedBy?: string[];
  /** ONNX: the Constant node that holds the tensor (absent for initializers). */
  constantNode?: string;
  /** ONNX external data file (absolute path), when the data lives outside the model file. */
  external?: string;
}

/** Metadata of a tensor that will be yielded; no data read yet. */
export interface TensorInfo {
  /**
   * Unique within the model. The stored name, unless another tensor has the same one: then an ONNX tensor of a
   * subgraph is qualified by its graph path ('<graph path>/W') and any other repeat gets '#2', '#3', ...
   */
  name: string;
  /**
   * The identity of the stored data: 'file@offset:bytes' where the data is one byte range, else the tensor's
   * place in its container ('manifest#group:position', 'file#tensor-index'). Two names with one key are one tensor.
   */
  key: string;
  /** Position in model order (0-based; block index, then position in the block; see README "Model order"). */
  layerId: number;
  /** Stored dtype, normalised: 'float64' | 'float32' | 'float16' | 'bfloat16' | 'uint8' | 'uint16' (quantized). */
  dtype: string;
  /** Shape of the yielded data (dense: (out, in); conv2d per `layout`). */
  shape: number[];
  kind: WeightKind;
  layout?: ConvLayout;
  /** 2-D tensors: the stored layout assumed and what was done to get (out, in), in words. */
  orientation?: string;
  /** Other names that reference the same stored data (not yielded again). */
  aliases?: string[];
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
  /** analyze({ tailOnly }): a layer too large for the full ESD, with the α of its top eigenvalues ('tail-only'). */
  tailOnly?: TailOnlyFit;
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
  /** Every file the model reads from (model file first, then shards, external data files, config.json). */
  files: string[];
  /** In model order (layerId ascending). */
  tensors: TensorInfo[];
  skipped: SkippedTensor[];
  /** What the reader wants the user to know: other model files in the folder that were not read, ... */
  notes: string[];
}

/**
 * An opened model: its plan (`tensors`, `skipped`), and an async iterator that reads and yields one tensor at a
 * time (peak memory ≈ the largest tensor). Iterate it once per pass; each pass re-reads from disk.
 */
export interface ModelReader extends TensorListing, AsyncIterable<WeightTensor> {
  /** Reads one planned tensor by its (unique) name. */
  read(name: string): Promise<WeightTensor>;
}

/**
 * Internal: what the caller of a loader would like (a loader may ignore it: analyze converts afterwards).
 * `as`: the element type wanted (converted while decoding); `signal`: abandon a read not yet done.
 */
export interface LoadWant {
  as?: 'float32' | 'float64';
  signal?: AbortSignal;
}

/** Internal: a planned tensor and how to load its data. */
export interface PlannedTensor {
  info: TensorInfo;
  load: (want?: LoadWant) => Promise<Float32Array | Float64Array>;
}

/** Internal: what a reader plans for one tensor, before plan.ts makes names unique and assigns layer ids. */
export interface DraftTensor {
  info: Omit<TensorInfo, 'layerId' | 'aliases'>;
  /** Position in the format's own order (graph or manifest order); absent: ordered by name (safetensors). */
  order?: number;
  /** The name to use when `info.name` is taken by another tensor (ONNX subgraphs: '<graph path>/<name>'). */
  qualifiedName?: string;
  load: (want?: LoadWant) => Promise<Float32Array | Float64Array>;
}

/** Internal: a reader's plan before plan.ts finishes it. */
export interface DraftPlan {
  format: ModelFormat;
  files: string[];
  drafts: DraftTensor[];
  skipped: SkippedTensor[];
  /** Things the user should know about what was read (e.g. other model files in the folder, not analysed). */
  notes?: string[];
}

export interface ModelPlan {
  format: ModelFormat;
  files: string[];
  /** In model order (layerId ascending). */
  planned: PlannedTensor[];
  skipped: SkippedTensor[];
  notes: string[];
}

/** A model given in memory instead of on disk (safetensors bytes, or ONNX bytes). */
export type ModelBytes = Uint8Array;

/** One tensor of a safetensors header (shared by the safetensors reader and its quantization recognizer). */
export interface SafetensorsEntry {
  name: string;
  dtype: string;
  shape: number[];
  /** Absolute byte offset of the data in the file, and its length. */
  offset: number;
  byteLength: number;
}
