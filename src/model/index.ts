// Model readers: safetensors, tfjs and ONNX files -> named weight tensors, streamed one at a time.
export { openModel, readWeights, listTensors, planModel, type ModelSource } from './reader.js';
export { planSafetensors, planSafetensorsIndex, readSafetensorsHeader, MAX_HEADER_BYTES } from './safetensors.js';
export type { SafetensorsEntry, SafetensorsHeader } from './safetensors.js';
export { planTfjs } from './tfjs.js';
export { planOnnx } from './onnx.js';
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
  ModelPlan,
  PlannedTensor,
} from './types.js';
