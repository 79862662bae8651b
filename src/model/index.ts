// Model readers: safetensors, tfjs, ONNX, PyTorch, NumPy and TFLite files -> named weight tensors, streamed one at a time.
export { openModel, readWeights, listTensors, type ModelSource } from './reader.js';
export { halfToFloat, decodeFloats, dequantize } from './decode.js';
export type {
  WeightKind,
  ConvLayout,
  ModelFormat,
  TensorSource,
  TensorInfo,
  WeightTensor,
  SkippedTensor,
  ReadOptions,
  TensorListing,
  ModelReader,
} from './types.js';
